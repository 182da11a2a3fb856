/**
 * The per-connection path: a client connection, the backend connection made for it on the same
 * event loop, and the bytes relayed between them in both directions at once.
 */
package dev.weir.proxy.relay;
