package dev.weir.control.fleet;

import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.pool.PoolRegistry;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The proxies connected to this control plane: serves {@code ProxyService}, pushes every new
 * config version to each proxy, and answers what the fleet has acknowledged and reported.
 */
public final class ProxyFleet implements AutoCloseable {
  /** How long a disconnected proxy stays listed. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

  private final ProxyDirectory directory;
  private final FleetListeners listeners = new FleetListeners();
  private final ServerServiceDefinition service;

  public ProxyFleet(PoolRegistry pools, Clock clock) {
    this(pools, clock, DEFAULT_RETENTION);
  }

  public ProxyFleet(PoolRegistry pools, Clock clock, Duration retention) {
    this.directory = new ProxyDirectory(clock, retention);
    this.service = ServerInterceptors.intercept(
        new ProxyServiceImpl(directory, pools, listeners, clock), new PeerAddressInterceptor());
    pools.addListener(directory::broadcast);
  }

  /** The {@code ProxyService} to add to a gRPC server. */
  public ServerServiceDefinition service() {
    return service;
  }

  public void addListener(FleetListener listener) {
    listeners.add(listener);
  }

  /** Connected proxies and ones disconnected within the retention, sorted by id. */
  public List<ProxyInfo> proxies() {
    return directory.list();
  }

  /** The latest stats report of every connected proxy that has sent one. */
  public List<StatsReport> connectedReports() {
    return directory.connectedReports();
  }

  /**
   * Ends every proxy stream with UNAVAILABLE, so proxies reconnect (here or elsewhere) rather
   * than hold a stream that would keep the server from shutting down. Idempotent.
   */
  @Override
  public void close() {
    for (ProxySession session : directory.close()) {
      session.close(Status.UNAVAILABLE.withDescription("control plane is shutting down"));
    }
  }
}
