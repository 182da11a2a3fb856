/**
 * How callers present a bearer token to the control plane: the {@code authorization} header the
 * control plane reads, and the client side shared by weir-proxy and weirctl, which read the token
 * from a file or the environment (never the command line, which {@code ps} shows) and send it only
 * over TLS.
 */
package dev.weir.api.auth;
