/**
 * The proxy's socket I/O: which Netty transport (io_uring, epoll or NIO) makes its event loops and
 * sockets, and how much each read of a relayed socket asks for. Depends on nothing else in the
 * proxy, so every part that opens sockets can use it.
 */
package dev.weir.proxy.transport;
