package dev.weir.proxy.config;

import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;

/**
 * A pool's settings with every default filled in, so the relay and health code never interpret
 * "unset".
 *
 * @param healthCheck active checks, or null when off
 * @param slowStart ramp for new or recovered backends; zero when off
 * @param maxConnections per listener; 0 unlimited
 * @param maxConnectionsPerBackend 0 unlimited
 * @param connectTimeout per attempt; null means the proxy's --connect-timeout
 * @param idleTimeout zero when connections may idle forever
 * @param drainTimeout zero when draining connections may stay until they close
 * @param socketBufferBytes SO_RCVBUF/SO_SNDBUF; 0 for the OS default
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
    WriteBufferWaterMark waterMark,
    int maglevTableSize) {

  public static final WriteBufferWaterMark DEFAULT_WATER_MARK =
      new WriteBufferWaterMark(32 * 1024, 64 * 1024);
  public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65537;

  public static final PoolOptions DEFAULTS =
      new PoolOptions(null, OutlierOptions.DEFAULTS, Duration.ZERO, 0, 0, null, Duration.ZERO,
          Duration.ZERO, 0, DEFAULT_WATER_MARK, DEFAULT_MAGLEV_TABLE_SIZE);

  /** Active health checking of each backend. */
  public record HealthCheckOptions(
      boolean http,
      Duration interval,
      Duration timeout,
      int rise,
      int fall,
      int jitterPercent,
      String httpPath,
      int httpExpectedStatus,
      String httpHost) {}

  /** Passive ejection after consecutive connect failures. */
  public record OutlierOptions(
      boolean enabled,
      int consecutiveFailures,
      Duration baseEjection,
      Duration maxEjection,
      int maxEjectionPercent) {

    public static final OutlierOptions DEFAULTS =
        new OutlierOptions(true, 5, Duration.ofSeconds(10), Duration.ofMinutes(5), 50);
  }
}
