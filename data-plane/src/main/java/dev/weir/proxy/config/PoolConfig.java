package dev.weir.proxy.config;

import dev.weir.api.v1.Algorithm;
import dev.weir.proxy.tls.TlsTerminationConfig;
import java.util.List;

/**
 * One pool as the proxy uses it.
 *
 * @param listenHost the host part of the pool's listen address; empty means all interfaces
 * @param connectAuthorities the HTTP CONNECT targets ("host:port", lower case) this pool answers
 *     to; empty for a plain TCP pool
 * @param tlsRouting how clients reach this pool by the server name of their ClientHello; null for a
 *     pool they reach otherwise
 * @param tlsTermination how the proxy terminates the clients' TLS; null when it does not
 */
public record PoolConfig(
    String name,
    String listenHost,
    int listenPort,
    Algorithm algorithm,
    List<BackendConfig> backends,
    PoolOptions options,
    List<String> connectAuthorities,
    TlsRoutingConfig tlsRouting,
    TlsTerminationConfig tlsTermination) {

  public PoolConfig {
    backends = List.copyOf(backends);
    connectAuthorities = List.copyOf(connectAuthorities);
  }

  /** A pool that does not terminate TLS. */
  public PoolConfig(
      String name,
      String listenHost,
      int listenPort,
      Algorithm algorithm,
      List<BackendConfig> backends,
      PoolOptions options,
      List<String> connectAuthorities,
      TlsRoutingConfig tlsRouting) {
    this(
        name,
        listenHost,
        listenPort,
        algorithm,
        backends,
        options,
        connectAuthorities,
        tlsRouting,
        null);
  }

  /** A plain TCP or HTTP CONNECT pool. */
  public PoolConfig(
      String name,
      String listenHost,
      int listenPort,
      Algorithm algorithm,
      List<BackendConfig> backends,
      PoolOptions options,
      List<String> connectAuthorities) {
    this(name, listenHost, listenPort, algorithm, backends, options, connectAuthorities, null);
  }

  /** A plain TCP pool: no CONNECT targets. */
  public PoolConfig(
      String name,
      String listenHost,
      int listenPort,
      Algorithm algorithm,
      List<BackendConfig> backends,
      PoolOptions options) {
    this(name, listenHost, listenPort, algorithm, backends, options, List.of());
  }

  /** Whether clients reach this pool through an HTTP CONNECT request. */
  public boolean httpConnect() {
    return !connectAuthorities.isEmpty();
  }

  /** Whether clients reach this pool by the server name in their TLS ClientHello. */
  public boolean routesTls() {
    return tlsRouting != null;
  }
}
