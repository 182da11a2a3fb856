package dev.weir.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotValidatorTest {

  @Test
  void aGoodSnapshotBecomesTheProxysConfig() throws Exception {
    ConfigSnapshot snapshot =
        ConfigSnapshot.newBuilder()
            .setVersion(42)
            .setNonce("n-1")
            .addPools(
                Pool.newBuilder()
                    .setName("db")
                    .setListen("127.0.0.1:5432")
                    .setAlgorithm(Algorithm.ROUND_ROBIN)
                    .addBackends(backend("db-1.example.com:5432", 1, BackendState.ACTIVE)))
            .addPools(
                Pool.newBuilder()
                    .setName("web")
                    .setListen(":8080")
                    .setAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN)
                    .addBackends(backend("10.0.0.1:80", 3, BackendState.ACTIVE))
                    .addBackends(backend("[::1]:81", 1000, BackendState.DRAINING))
                    .addBackends(backend("app.internal:8080", 1, BackendState.ACTIVE)))
            .build();

    ProxyConfig config = SnapshotValidator.validate(snapshot);

    assertThat(config.version()).isEqualTo(42);
    assertThat(config.pools()).extracting(PoolConfig::name).containsExactly("db", "web");
    PoolConfig db = config.pools().get(0);
    assertThat(db.listenHost()).isEqualTo("127.0.0.1");
    assertThat(db.listenPort()).isEqualTo(5432);
    assertThat(db.algorithm()).isEqualTo(Algorithm.ROUND_ROBIN);

    PoolConfig web = config.pools().get(1);
    assertThat(web.listenHost()).as("\":8080\" listens on every interface").isEmpty();
    assertThat(web.listenPort()).isEqualTo(8080);
    assertThat(web.algorithm()).isEqualTo(Algorithm.WEIGHTED_ROUND_ROBIN);
    assertThat(web.backends())
        .extracting(BackendConfig::address, BackendConfig::weight, BackendConfig::draining)
        .containsExactly(
            tuple("10.0.0.1:80", 3, false),
            tuple("[::1]:81", 1000, true),
            tuple("app.internal:8080", 1, false));

    InetSocketAddress v4 = web.backends().get(0).socketAddress();
    assertThat(v4.isUnresolved()).isFalse();
    assertThat(v4.getAddress()).isEqualTo(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));
    assertThat(v4.getPort()).isEqualTo(80);
    InetSocketAddress v6 = web.backends().get(1).socketAddress();
    assertThat(v6.isUnresolved()).isFalse();
    assertThat(v6.getAddress()).isEqualTo(InetAddress.getByName("::1"));
    assertThat(v6.getPort()).isEqualTo(81);
    InetSocketAddress named = web.backends().get(2).socketAddress();
    assertThat(named.isUnresolved()).as("host names are looked up at connect time").isTrue();
    assertThat(named.getHostString()).isEqualTo("app.internal");
    assertThat(named.getPort()).isEqualTo(8080);
  }

  @Test
  void anEmptySnapshotHasNoPools() throws Exception {
    ProxyConfig config =
        SnapshotValidator.validate(ConfigSnapshot.newBuilder().setVersion(3).build());

    assertThat(config.version()).isEqualTo(3);
    assertThat(config.pools()).isEmpty();
  }

  @Test
  void anIpv6ListenAddressIsAccepted() throws Exception {
    ProxyConfig config = SnapshotValidator.validate(snapshot(pool("web").setListen("[::]:9000")));

    assertThat(config.pools().get(0).listenHost()).isEqualTo("::");
    assertThat(config.pools().get(0).listenPort()).isEqualTo(9000);
  }

  static Stream<Arguments> badPools() {
    return Stream.of(
        rejected(
            "an unspecified algorithm",
            pool("web").setAlgorithm(Algorithm.ALGORITHM_UNSPECIFIED),
            "pool web",
            "algorithm",
            "ALGORITHM_UNSPECIFIED",
            "ROUND_ROBIN",
            "WEIGHTED_ROUND_ROBIN"),
        rejected(
            "an algorithm this proxy does not know",
            pool("web").setAlgorithmValue(99),
            "pool web",
            "algorithm",
            "not supported",
            "ROUND_ROBIN",
            "WEIGHTED_ROUND_ROBIN"),
        rejected(
            "listen port 0", pool("web").setListen(":0"), "pool web", "listen", "port", "\"0\""),
        rejected(
            "listen port 65536",
            pool("web").setListen("127.0.0.1:65536"),
            "pool web",
            "listen",
            "port",
            "\"65536\""),
        rejected(
            "a listen port that is not a number",
            pool("web").setListen(":abc"),
            "pool web",
            "listen",
            "port",
            "\"abc\""),
        rejected(
            "a listen address without a port",
            pool("web").setListen("localhost"),
            "pool web",
            "listen",
            "HOST:PORT"),
        rejected(
            "a backend port 0",
            pool("web").addBackends(backend("10.0.0.1:0")),
            "pool web",
            "backend 10.0.0.1:0",
            "port"),
        rejected(
            "a backend without a host",
            pool("web").addBackends(backend(":80")),
            "pool web",
            "backend :80",
            "host"),
        rejected(
            "a backend address that is not an IPv4 address",
            pool("web").addBackends(backend("999.1.1.1:80")),
            "pool web",
            "backend 999.1.1.1:80",
            "999.1.1.1"),
        rejected(
            "a bracketed host that is not IPv6",
            pool("web").addBackends(backend("[nothex]:80")),
            "pool web",
            "backend [nothex]:80",
            "IPv6"),
        rejected(
            "a bracketed IPv6 address with non-hex digits",
            pool("web").addBackends(backend("[zz:zz]:80")),
            "pool web",
            "backend [zz:zz]:80",
            "not a valid IPv6 address"),
        rejected(
            "a host name with an underscore",
            pool("web").addBackends(backend("bad_host:80")),
            "pool web",
            "backend bad_host:80",
            "DNS name"),
        rejected(
            "weight 0",
            pool("web").addBackends(backend("10.0.0.1:80", 0, BackendState.ACTIVE)),
            "pool web",
            "backend 10.0.0.1:80",
            "weight",
            "1..1000",
            "got 0"),
        rejected(
            "weight 1001",
            pool("web").addBackends(backend("10.0.0.1:80", 1001, BackendState.ACTIVE)),
            "pool web",
            "backend 10.0.0.1:80",
            "weight",
            "1..1000",
            "got 1001"),
        rejected(
            "the same backend twice",
            pool("web").addBackends(backend("10.0.0.1:80")).addBackends(backend("10.0.0.1:80")),
            "pool web",
            "backend 10.0.0.1:80",
            "twice"),
        rejected(
            "a backend in state UNSPECIFIED",
            pool("web")
                .addBackends(backend("10.0.0.1:80", 1, BackendState.BACKEND_STATE_UNSPECIFIED)),
            "pool web",
            "backend 10.0.0.1:80",
            "state",
            "BACKEND_STATE_UNSPECIFIED"));
  }

  @ParameterizedTest(name = "rejects {0}")
  @MethodSource("badPools")
  void rejectsAPoolNamingThePoolAndField(String what, Pool.Builder pool, String[] expected) {
    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot(pool)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContainingAll(expected);
  }

  @Test
  void rejectsTwoPoolsWithTheSameName() {
    ConfigSnapshot snapshot =
        ConfigSnapshot.newBuilder()
            .addPools(pool("web").setListen(":8080"))
            .addPools(pool("web").setListen(":8081"))
            .build();

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContainingAll("pool name", "\"web\"", "repeated");
  }

  @Test
  void rejectsAPoolWithoutAName() {
    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot(pool(""))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContainingAll("pool name", "invalid", "1..63 of [a-z0-9-]");
  }

  @Test
  void rejectsTwoPoolsOnTheSameListenPort() {
    ConfigSnapshot snapshot =
        ConfigSnapshot.newBuilder()
            .addPools(pool("web").setListen(":8080"))
            .addPools(pool("api").setListen("127.0.0.1:8080"))
            .build();

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContainingAll(
            "pools web and api",
            "port 8080",
            "only pools that all set settings.http_connect.enabled, or all set");
  }

  private static Arguments rejected(String what, Pool.Builder pool, String... expected) {
    return Arguments.of(what, pool, expected);
  }

  private static Pool.Builder pool(String name) {
    return Pool.newBuilder().setName(name).setListen(":8080").setAlgorithm(Algorithm.ROUND_ROBIN);
  }

  private static Backend backend(String address) {
    return backend(address, 1, BackendState.ACTIVE);
  }

  private static Backend backend(String address, int weight, BackendState state) {
    return Backend.newBuilder().setAddress(address).setWeight(weight).setState(state).build();
  }

  private static ConfigSnapshot snapshot(Pool.Builder pool) {
    return ConfigSnapshot.newBuilder().setVersion(1).addPools(pool).build();
  }
}
