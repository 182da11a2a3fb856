package dev.weir.cli.status;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.FakeAdminService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A fleet in several states at {@link #NOW}: pool web (a healthy backend whose adaptive weight
 * differs, one draining, one unhealthy and failing), pool api (a drained, damped backend), and
 * three proxies (current, gone and behind, just connected with nothing applied).
 */
final class FleetFixture {

  /** TestConsole's clock starts here. */
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  static final long CONFIG_VERSION = 42;

  static final PoolStatus WEB =
      PoolStatus.newBuilder()
          .setPool(pool("web", ":8080", Algorithm.ROUND_ROBIN))
          .setConfigVersion(CONFIG_VERSION)
          .addBackends(
              BackendStatus.newBuilder()
                  .setAddress("10.0.0.5:80")
                  .setWeight(3)
                  .setEffectiveWeight(2)
                  .setState(BackendState.ACTIVE)
                  .setFleetHealth(FleetHealth.FLEET_HEALTHY)
                  .setHealthyProxies(2)
                  .setActiveConnections(12)
                  .setFailureRate(0.25)
                  .setConnectFailures(3)
                  .setDrain(DrainStatus.newBuilder().setState(DrainStatus.State.NOT_DRAINING)))
          .addBackends(
              BackendStatus.newBuilder()
                  .setAddress("10.0.0.6:80")
                  .setWeight(1)
                  .setState(BackendState.DRAINING)
                  .setFleetHealth(FleetHealth.FLEET_HEALTHY)
                  .setHealthyProxies(2)
                  .setActiveConnections(4)
                  .setDrain(
                      DrainStatus.newBuilder()
                          .setState(DrainStatus.State.DRAINING)
                          .setRemainingConnections(4)))
          .addBackends(
              BackendStatus.newBuilder()
                  .setAddress("10.0.0.7:80")
                  .setWeight(1)
                  .setState(BackendState.ACTIVE)
                  .setFleetHealth(FleetHealth.FLEET_UNHEALTHY)
                  .setUnhealthyProxies(2)
                  .setFailureRate(12.4)
                  .setConnectFailures(310)
                  .setDrain(DrainStatus.newBuilder().setState(DrainStatus.State.NOT_DRAINING)))
          .build();

  static final PoolStatus API =
      PoolStatus.newBuilder()
          .setPool(pool("api", "127.0.0.1:9000", Algorithm.MAGLEV))
          .setConfigVersion(CONFIG_VERSION)
          .addBackends(
              BackendStatus.newBuilder()
                  .setAddress("10.0.1.1:9000")
                  .setWeight(1)
                  .setState(BackendState.DRAINING)
                  .setFleetHealth(FleetHealth.FLEET_DAMPED)
                  .setDampedUntil(at(NOW.plus(Duration.ofSeconds(90))))
                  .setHealthyProxies(1)
                  .setUnhealthyProxies(1)
                  .setDrain(
                      DrainStatus.newBuilder()
                          .setState(DrainStatus.State.DRAINED)
                          .setCutConnections(2)))
          .build();

  static final ProxyInfo CURRENT =
      ProxyInfo.newBuilder()
          .setId("proxy-a")
          .setConnected(true)
          .setConnectedSince(at(NOW.minus(Duration.ofMinutes(3))))
          .setLastAppliedVersion(CONFIG_VERSION)
          .setLastReportAt(at(NOW.minus(Duration.ofSeconds(4))))
          .build();

  static final ProxyInfo GONE =
      ProxyInfo.newBuilder()
          .setId("proxy-b")
          .setConnected(false)
          .setConnectedSince(at(NOW.minus(Duration.ofDays(3))))
          .setDisconnectedAt(at(NOW.minus(Duration.ofHours(2))))
          .setLastAppliedVersion(40)
          .setLastReportAt(at(NOW.minus(Duration.ofHours(2).plusSeconds(5))))
          .build();

  static final ProxyInfo NEW =
      ProxyInfo.newBuilder()
          .setId("proxy-c")
          .setConnected(true)
          .setConnectedSince(at(NOW.minus(Duration.ofSeconds(5))))
          .build();

  static final ListPoolsResponse POOLS =
      ListPoolsResponse.newBuilder().addPools(WEB.getPool()).addPools(API.getPool()).build();

  static final ListProxiesResponse PROXIES =
      ListProxiesResponse.newBuilder()
          .addProxies(CURRENT)
          .addProxies(GONE)
          .addProxies(NEW)
          .setConfigVersion(CONFIG_VERSION)
          .build();

  static final FleetStatus FLEET =
      new FleetStatus(
          "127.0.0.1:9900", CONFIG_VERSION, List.of(WEB, API), PROXIES.getProxiesList());

  private FleetFixture() {}

  /** Has {@code service} answer status's calls with this fleet. */
  static void serve(FakeAdminService service) {
    service
        .respondTo(ListPoolsRequest.class, POOLS)
        .respondTo(GetPoolStatusRequest.class, WEB, API)
        .respondTo(ListProxiesRequest.class, PROXIES);
  }

  private static Pool pool(String name, String listen, Algorithm algorithm) {
    return Pool.newBuilder().setName(name).setListen(listen).setAlgorithm(algorithm).build();
  }

  static Timestamp at(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
