package dev.weir.proxy.relay;

/**
 * The client certificate a TLS terminating stage verified: told to the relay, which passes it to
 * the backend in the PROXY protocol v2 header.
 *
 * @param subject the certificate's subject DN
 * @param commonName its CN; null when it has none
 */
record ClientIdentity(String subject, String commonName) {}
