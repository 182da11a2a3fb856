/**
 * TLS at the proxy: server contexts built from a pool's PEM files (chosen by SNI), kept fresh as
 * the files change, and client contexts for re-encrypting to backends.
 */
package dev.weir.proxy.tls;
