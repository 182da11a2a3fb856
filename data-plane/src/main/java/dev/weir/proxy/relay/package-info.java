/**
 * The per-connection path: the stages that set a client connection up (a PROXY header, an HTTP
 * CONNECT request), each deciding and then leaving the pipeline; the relay that remains, with the
 * backend connection made for it on the same event loop and the bytes relayed between them in both
 * directions at once; and the lease that gives back what the connection held.
 */
package dev.weir.proxy.relay;
