package dev.weir.proxy;

import dev.weir.proxy.control.ControlPlaneAddresses;
import dev.weir.proxy.transport.Transport;
import io.grpc.ChannelCredentials;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ProxyServer} is built from, already checked: weir-proxy's flags once {@link
 * WeirProxy} has validated them, or whatever a test needs.
 *
 * @param id the proxy's id in the fleet, [A-Za-z0-9._-]{1,128}
 * @param controlPlane the control plane's replicas
 * @param credentials how the control stream connects: plaintext, TLS, with or without a token
 * @param tlsCa the CA file behind {@code credentials}, or null: named when TLS fails
 * @param tlsCert the client certificate file behind {@code credentials}, or null: likewise
 * @param bindAddress an IP address every pool's port is bound on, or null for each pool's own
 * @param maxConnections client connections open at once over all pools, or null to derive the limit
 *     from the open-file limit and the heap
 * @param stateDir where the last applied config is saved, as {@code id.snapshot}
 * @param shutdownTimeout how long open connections may finish on a graceful stop
 * @param metricsAddress where /metrics is served, or null for nowhere
 */
public record ProxySettings(
    String id,
    ControlPlaneAddresses controlPlane,
    ChannelCredentials credentials,
    Path tlsCa,
    Path tlsCert,
    String bindAddress,
    Duration statsInterval,
    Duration connectTimeout,
    int eventLoops,
    Transport transport,
    Long maxConnections,
    Path stateDir,
    Duration shutdownTimeout,
    InetSocketAddress metricsAddress) {

  public ProxySettings {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(controlPlane, "controlPlane");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(statsInterval, "statsInterval");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops must be at least 1, got " + eventLoops);
    }
  }
}
