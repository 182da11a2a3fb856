package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.ProxyEvent;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.RemoteProxy;
import dev.weir.api.v1.ReplicaUpdate;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How other replicas' proxies are merged with this replica's, each counted once. */
class OtherReplicasTest {
  private static final Duration LINGER = Duration.ofSeconds(15);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final List<String> heard = new ArrayList<>();
  private final List<FleetEvent> published = new ArrayList<>();
  private final ApplyProgress progress = new ApplyProgress(clock, new FleetListener() {});
  private final OtherReplicas others =
      new OtherReplicas(
          "r1",
          progress,
          new FleetListener() {
            @Override
            public void proxyConnected(String proxyId) {
              heard.add("connected " + proxyId);
            }

            @Override
            public void proxyDisconnected(String proxyId) {
              heard.add("disconnected " + proxyId);
            }

            @Override
            public void statsReported(String proxyId, StatsReport report) {
              heard.add("report " + proxyId + " @" + report.getTime().getSeconds());
            }

            @Override
            public void coverageChanged(List<String> missingReplicas) {
              heard.add("missing " + missingReplicas);
            }
          },
          published::add,
          clock,
          LINGER,
          Duration.ofHours(1));

  @Test
  void aFollowedReplicasProxiesAreCountedWithTheirReportsAndEvents() {
    others.joined("r2", "10.0.0.2:9901");
    others.update(
        "r2",
        ReplicaUpdate.newBuilder()
            .addProxies(proxy("pb", 100, 7, 50))
            .addEvents(
                FleetEvent.newBuilder()
                    .setProxy(
                        ProxyEvent.newBuilder()
                            .setKind(ProxyEvent.Kind.APPLIED)
                            .setProxyId("pb")
                            .setConfigVersion(7)))
            .setSynced(true)
            .build());

    assertThat(heard)
        .containsExactly("missing [r2]", "connected pb", "report pb @50", "missing []");
    assertThat(published)
        .singleElement()
        .satisfies(e -> assertThat(e.getProxy().getReplica()).isEqualTo("r2"));
    assertThat(others.coverage().getReplicasList()).containsExactly("r1", "r2");
    assertThat(others.merge(List.of()))
        .extracting(ProxyInfo::getId, ProxyInfo::getReplica)
        .containsExactly(tuple("pb", "r2"));
    assertThat(others.reports()).hasSize(1);
    progress.accepted(7, clock.instant());
    assertThat(progress.inForceEverywhere(7)).isTrue();
    progress.accepted(8, clock.instant());
    assertThat(progress.inForceEverywhere(8)).isFalse();

    // The same report again (the proxy's state changed otherwise) is not a new report.
    others.update("r2", ReplicaUpdate.newBuilder().addProxies(proxy("pb", 100, 8, 50)).build());
    assertThat(heard).hasSize(4);
    assertThat(progress.inForceEverywhere(8)).isTrue();
  }

  @Test
  void aReplicaNotInSyncYetHoldsAppliedVersionsAndDrainsBack() {
    progress.accepted(3, clock.instant());
    assertThat(progress.inForceEverywhere(3)).isTrue();

    others.joined("r2", "10.0.0.2:9901");
    others.update("r2", ReplicaUpdate.newBuilder().addProxies(proxy("pb", 100, 3, 0)).build());

    assertThat(progress.inForceEverywhere(3)).isFalse();
    FleetCoverage coverage = others.coverage();
    assertThat(coverage.getReplicasList()).containsExactly("r1");
    assertThat(coverage.getMissingList())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getReplicaId()).isEqualTo("r2");
              assertThat(m.getAddress()).isEqualTo("10.0.0.2:9901");
              assertThat(m.getReason()).contains("not in sync yet");
            });
    assertThat(heard).containsExactly("missing [r2]");
  }

  @Test
  void aLostReplicasProxiesAreUnaccountedUntilTheyReconnectHereAndAreThenCountedOnce() {
    follow("r2", proxy("pb", 100, 5, 10), proxy("pc", 100, 5, 10));
    heard.clear();

    others.lost("r2", "unreachable (UNAVAILABLE: connection refused)");

    assertThat(heard).containsExactly("disconnected pb", "disconnected pc", "missing [r2]");
    MissingReplica missing = others.coverage().getMissing(0);
    assertThat(missing.getProxiesList()).containsExactly("pb", "pc");
    assertThat(missing.getReason()).contains("connection refused");
    assertThat(others.missingWith("pc")).isEqualTo(missing);

    // pb reconnects here, as a proxy does when its stream breaks.
    others.proxyConnected("pb");

    assertThat(others.coverage().getMissing(0).getProxiesList()).containsExactly("pc");
    assertThat(others.replicaOf("pb")).isNull();
    // r2 comes back in sync, still listing pb from before it noticed the stream end.
    others.update(
        "r2",
        ReplicaUpdate.newBuilder()
            .addProxies(proxy("pb", 100, 5, 10))
            .addProxies(proxy("pc", 100, 5, 10))
            .setSynced(true)
            .build());

    assertThat(others.coverage().getMissingList()).isEmpty();
    assertThat(others.merge(List.of(ProxyInfo.newBuilder().setId("pb").setConnected(true).build())))
        .extracting(ProxyInfo::getId, ProxyInfo::getReplica)
        .containsExactly(tuple("pb", ""), tuple("pc", "r2"));
    assertThat(others.countedElsewhere()).isEqualTo(1);
  }

  @Test
  void aReplicaThatLeftIsMissingWhileItsProxiesAreSeenNowhereElseForTheLingerAtMost() {
    follow("r2", proxy("pb", 100, 5, 10));
    others.left("r2");
    assertThat(others.missing()).containsExactly("r2");
    assertThat(others.coverage().getMissing(0).getReason()).startsWith("left the fleet");

    clock.advance(LINGER.minusSeconds(1));
    others.tick();
    assertThat(others.missing()).containsExactly("r2");

    clock.advance(Duration.ofSeconds(1));
    others.tick();
    assertThat(others.missing()).isEmpty();
    assertThat(heard).endsWith("missing []");
  }

  @Test
  void aProxyThatMovedBetweenTwoFollowedReplicasIsCountedFromItsNewestStream() {
    follow("r2", proxy("pb", 100, 5, 10));
    follow("r3", proxy("pb", 200, 6, 20));

    assertThat(others.replicaOf("pb")).isEqualTo("r3");
    assertThat(others.countedElsewhere()).isEqualTo(1);
    assertThat(others.merge(List.of()))
        .singleElement()
        .satisfies(p -> assertThat(p.getReplica()).isEqualTo("r3"));
    // The old stream's late report changes nothing.
    heard.clear();
    others.update("r2", ReplicaUpdate.newBuilder().addProxies(proxy("pb", 100, 5, 30)).build());
    assertThat(heard).isEmpty();

    // r3 says the stream ended; r2 never saw it come back: the proxy is not connected anywhere.
    others.update(
        "r3",
        ReplicaUpdate.newBuilder()
            .addProxies(RemoteProxy.newBuilder().setInfo(info("pb", 200, 6).setConnected(false)))
            .build());
    others.update(
        "r2",
        ReplicaUpdate.newBuilder()
            .addProxies(RemoteProxy.newBuilder().setInfo(info("pb", 100, 5).setConnected(false)))
            .build());
    assertThat(others.countedElsewhere()).isZero();
    assertThat(heard).contains("disconnected pb");
  }

  @Test
  void aProxyConnectedHereWinsOverWhatAnotherReplicaStillSays() {
    others.proxyConnected("pa");
    follow("r2", proxy("pa", 100, 5, 10));
    heard.clear();

    others.statsReported("pa", StatsReport.getDefaultInstance());
    others.update("r2", ReplicaUpdate.newBuilder().addProxies(proxy("pa", 100, 5, 40)).build());

    assertThat(heard).containsExactly("report pa @0");
    assertThat(others.replicaOf("pa")).isNull();
    // Its stream here ends: it is counted from where it is connected now.
    others.proxyDisconnected("pa");
    assertThat(others.replicaOf("pa")).isEqualTo("r2");
    assertThat(heard).contains("connected pa", "report pa @40");
  }

  private void follow(String replica, RemoteProxy... proxies) {
    others.joined(replica, "10.0.0.9:9901");
    others.update(
        replica,
        ReplicaUpdate.newBuilder().addAllProxies(List.of(proxies)).setSynced(true).build());
  }

  private static RemoteProxy proxy(String id, long connectedAt, long applied, long reportAt) {
    RemoteProxy.Builder proxy = RemoteProxy.newBuilder().setInfo(info(id, connectedAt, applied));
    if (reportAt > 0) {
      proxy.setReport(StatsReport.newBuilder().setTime(Timestamps.fromSeconds(reportAt)));
    }
    return proxy.build();
  }

  private static ProxyInfo.Builder info(String id, long connectedAt, long applied) {
    return ProxyInfo.newBuilder()
        .setId(id)
        .setConnected(true)
        .setConnectedSince(Timestamps.fromSeconds(connectedAt))
        .setLastAppliedVersion(applied);
  }
}
