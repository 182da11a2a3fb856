package dev.weir.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which pools a proxy lets share a listen port, and the CONNECT targets it derives. */
class SharedListenersTest {

  @Test
  void connectPoolsShareAPortAndAnswerToTheirNameOrTheirAuthorities() throws Exception {
    ProxyConfig config =
        SnapshotValidator.validate(
            snapshot(
                connect("web", ":8080"),
                connect("db", ":8080", "DB.internal:5432", "10.0.0.9:5432"),
                plain("api", ":8081")));

    assertThat(config.pools())
        .extracting(PoolConfig::name, PoolConfig::connectAuthorities)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("web", List.of("web:8080")),
            org.assertj.core.groups.Tuple.tuple("db", List.of("db.internal:5432", "10.0.0.9:5432")),
            org.assertj.core.groups.Tuple.tuple("api", List.of()));
  }

  @Test
  void aPlainPoolMayNotShareAConnectPoolsPort() {
    assertRejected(
        snapshot(connect("web", ":8080"), plain("api", ":8080")),
        "pools web and api",
        "port 8080",
        "only pools that all set settings.http_connect.enabled");
  }

  @Test
  void poolsSharingAPortMustUseTheSameListenAddress() {
    assertRejected(
        snapshot(connect("web", ":8080"), connect("db", "127.0.0.1:8080")),
        "pools web and db",
        "same listen address",
        "\"127.0.0.1\"");
  }

  @Test
  void poolsSharingAPortMustAgreeOnTheListenersConnectionCap() {
    Pool.Builder capped = connect("db", ":8080");
    capped.getSettingsBuilder().setLimits(Limits.newBuilder().setMaxConnections(10));
    assertRejected(
        snapshot(connect("web", ":8080"), capped),
        "pools web and db",
        "settings.limits.max_connections",
        "0 and 10");
  }

  @Test
  void aTargetMayBeClaimedByOnePoolOfAnAddressOnly() {
    assertRejected(
        snapshot(connect("web", ":8080", "shared:443"), connect("db", ":8080", "Shared:443")),
        "pools web and db",
        "\"shared:443\"",
        "settings.http_connect.authorities",
        "unique");
  }

  @Test
  void theSameTargetOnAnotherPortIsFine() throws Exception {
    assertThat(
            SnapshotValidator.validate(
                    snapshot(
                        connect("web", ":8080", "shared:443"),
                        connect("db", ":8081", "shared:443")))
                .pools())
        .hasSize(2);
  }

  @Test
  void rejectsBadAuthoritiesNamingTheField() {
    assertRejected(
        snapshot(connect("web", ":8080", "no-port")),
        "pool web",
        "settings.http_connect.authorities",
        "HOST:PORT");
    assertRejected(
        snapshot(connect("web", ":8080", "web:0")),
        "pool web",
        "settings.http_connect.authorities",
        "port must be 1..65535");
    assertRejected(
        snapshot(connect("web", ":8080", "a:1", "A:1")),
        "pool web",
        "settings.http_connect.authorities",
        "\"A:1\" is listed twice");
    assertRejected(
        snapshot(connect("web", ":8080", "x".repeat(300) + ":1")),
        "pool web",
        "settings.http_connect.authorities",
        "longer than 261");
  }

  @Test
  void authoritiesNeedConnectModeAndConnectModeRefusesProxyHeaders() {
    Pool.Builder off = plain("web", ":8080");
    off.getSettingsBuilder().setHttpConnect(HttpConnect.newBuilder().addAuthorities("a:1"));
    assertRejected(
        snapshot(off),
        "pool web",
        "settings.http_connect.authorities needs settings.http_connect.enabled");

    Pool.Builder accepting = connect("web", ":8080");
    accepting.getSettingsBuilder().setProxyProtocol(ProxyProtocol.newBuilder().setAccept(true));
    assertRejected(
        snapshot(accepting),
        "pool web",
        "settings.proxy_protocol.accept",
        "settings.http_connect.enabled");
  }

  private static void assertRejected(ConfigSnapshot snapshot, String... expected) {
    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContainingAll(expected);
  }

  private static Pool.Builder plain(String name, String listen) {
    return Pool.newBuilder().setName(name).setListen(listen).setAlgorithm(Algorithm.ROUND_ROBIN);
  }

  private static Pool.Builder connect(String name, String listen, String... authorities) {
    return plain(name, listen)
        .setSettings(
            PoolSettings.newBuilder()
                .setHttpConnect(
                    HttpConnect.newBuilder()
                        .setEnabled(true)
                        .addAllAuthorities(List.of(authorities))));
  }

  private static ConfigSnapshot snapshot(Pool.Builder... pools) {
    ConfigSnapshot.Builder snapshot = ConfigSnapshot.newBuilder().setVersion(1);
    for (Pool.Builder pool : pools) {
      snapshot.addPools(pool);
    }
    return snapshot.build();
  }
}
