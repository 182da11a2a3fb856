/**
 * The proxy's one stream to the control plane: hello, snapshots in, ACK/NACK and stats out, and
 * reconnecting with backoff while the proxy keeps serving its last config.
 */
package dev.weir.proxy.control;
