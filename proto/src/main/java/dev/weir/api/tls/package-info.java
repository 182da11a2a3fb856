/**
 * TLS as weirctl and weir-proxy report it: why a connection to the control plane failed, in the
 * words of the flag that fixes it.
 */
package dev.weir.api.tls;
