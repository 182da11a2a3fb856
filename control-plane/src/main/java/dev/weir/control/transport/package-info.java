/**
 * The control plane's connections below gRPC: how many it holds, how long one may take to start
 * speaking HTTP/2, how their failures are logged, and how a caller's address is written.
 */
package dev.weir.control.transport;
