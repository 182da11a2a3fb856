package dev.weir.proxy.config;

import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;

/**
 * A pool's settings with every default filled in, so the relay and health code never interpret
 * "unset". Plain values only, so two configs compare equal when they mean the same thing.
 *
 * @param healthCheck active checks, or null when off
 * @param slowStart ramp for new or recovered backends; zero when off
 * @param maxConnections per listener; 0 unlimited
 * @param maxConnectionsPerBackend 0 unlimited
 * @param connectTimeout per attempt; null means the proxy's --connect-timeout
 * @param idleTimeout zero when connections may idle forever
 * @param drainTimeout zero when draining connections may stay until they close
 * @param socketBufferBytes SO_RCVBUF/SO_SNDBUF; 0 for the OS default
 * @param sendProxyHeader the PROXY protocol version sent to backends: 0 none, 1 or 2
 * @param acceptProxyHeader whether client connections must start with a PROXY header
 * @param proxyHeaderTimeout how long a client may take to send that header
 * @param connectHeadTimeout how long a client of an HTTP CONNECT listener may take to send its
 *     request head
 */
public record PoolOptions(
    HealthCheckOptions healthCheck,
    OutlierOptions outlier,
    Duration slowStart,
    int maxConnections,
    int maxConnectionsPerBackend,
    Duration connectTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    int socketBufferBytes,
    int writeBufferLowBytes,
    int writeBufferHighBytes,
    int maglevTableSize,
    int sendProxyHeader,
    boolean acceptProxyHeader,
    Duration proxyHeaderTimeout,
    Duration connectHeadTimeout) {

  public static final int DEFAULT_WRITE_BUFFER_LOW_BYTES = 32 * 1024;
  public static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 64 * 1024;
  public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65537;
  // Not on the wire (yet): every pool has these.
  public static final Duration DEFAULT_PROXY_HEADER_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CONNECT_HEAD_TIMEOUT = Duration.ofSeconds(10);

  public static final PoolOptions DEFAULTS =
      new PoolOptions(
          null,
          OutlierOptions.DEFAULTS,
          Duration.ZERO,
          0,
          0,
          null,
          Duration.ZERO,
          Duration.ZERO,
          0,
          DEFAULT_WRITE_BUFFER_LOW_BYTES,
          DEFAULT_WRITE_BUFFER_HIGH_BYTES,
          DEFAULT_MAGLEV_TABLE_SIZE,
          0,
          false,
          DEFAULT_PROXY_HEADER_TIMEOUT,
          DEFAULT_CONNECT_HEAD_TIMEOUT);

  /** Past the high mark a side stops reading until the other side is back under the low one. */
  public WriteBufferWaterMark waterMark() {
    return new WriteBufferWaterMark(writeBufferLowBytes, writeBufferHighBytes);
  }

  /**
   * Active health checking of each backend.
   *
   * @param proxyHeader the PROXY protocol version the pool's backends expect (0: none); HTTP checks
   *     start with a header naming no client
   */
  public record HealthCheckOptions(
      boolean http,
      Duration interval,
      Duration timeout,
      int rise,
      int fall,
      int jitterPercent,
      String httpPath,
      int httpExpectedStatus,
      String httpHost,
      int proxyHeader) {}

  /**
   * Passive ejection after consecutive connect failures, or consecutive connections the backend
   * left unanswered.
   *
   * @param responseTimeout how long a backend may stay silent after the client's first bytes before
   *     the connection counts as unanswered; zero when off
   */
  public record OutlierOptions(
      boolean enabled,
      int consecutiveFailures,
      Duration baseEjection,
      Duration maxEjection,
      int maxEjectionPercent,
      Duration responseTimeout) {

    public static final OutlierOptions DEFAULTS =
        new OutlierOptions(
            true, 5, Duration.ofSeconds(10), Duration.ofMinutes(5), 50, Duration.ZERO);

    /** The response timeout in force: zero when it or detection as a whole is off. */
    public long responseTimeoutNanos() {
      return enabled ? responseTimeout.toNanos() : 0;
    }
  }
}
