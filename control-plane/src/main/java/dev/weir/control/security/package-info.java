/**
 * Who may call the control plane: TLS (and mutual TLS) on its gRPC ports, callers identified by a
 * verified client certificate or a bearer token, mapped to a {@link dev.weir.control.security.Role}
 * by the auth file, and each rpc checked against the roles allowed to call it.
 */
package dev.weir.control.security;
