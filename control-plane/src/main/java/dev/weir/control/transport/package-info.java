/**
 * The control plane's connections below gRPC: how many it holds, how long one may take to start
 * speaking HTTP/2, and how their failures are logged.
 */
package dev.weir.control.transport;
