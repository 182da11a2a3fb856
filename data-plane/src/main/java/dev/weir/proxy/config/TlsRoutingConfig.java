package dev.weir.proxy.config;

import dev.weir.api.rules.TlsRoutingRules;
import dev.weir.api.v1.TlsRouting;
import java.time.Duration;
import java.util.List;

/**
 * How a pool is found by the server name of a TLS ClientHello (settings.tls_routing).
 *
 * @param serverNames exact names and "*." wildcards, lower case; may be empty for the default
 * @param defaultPool takes names no pool of the listener answers to, and ClientHellos without one
 * @param postgres clients open with PostgreSQL's SSLRequest before their ClientHello
 * @param clientHelloTimeout how long a client may take to send it
 */
public record TlsRoutingConfig(
    List<String> serverNames, boolean defaultPool, boolean postgres, Duration clientHelloTimeout) {

  public TlsRoutingConfig {
    serverNames = List.copyOf(serverNames);
  }

  /** For a checked pool with tls_routing on. */
  static TlsRoutingConfig of(TlsRouting routing, List<String> serverNames) {
    return new TlsRoutingConfig(
        serverNames,
        routing.getDefaultPool(),
        routing.getPostgres(),
        TlsRoutingRules.clientHelloTimeout(routing));
  }
}
