package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.TlsRouting;
import dev.weir.api.v1.TlsTermination;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pools routing TLS by server name share a listen port; every other sharing, and every bad setting,
 * is refused naming the pools and the field, and changes nothing.
 */
class TlsRoutingPoolsTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithATlsRoutingPool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control.admin().createPool(create("web", ":8443", tls("www.example.com")));
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void anotherTlsRoutingPoolSharesThePortWithItsNamesInLowerCase() {
    Pool db =
        control
            .admin()
            .createPool(create("db", ":8443", tls("DB.Example.com", "*.DB.example.com")))
            .getPool();

    assertThat(db.getSettings().getTlsRouting().getServerNamesList())
        .containsExactly("db.example.com", "*.db.example.com");
    assertThat(control.listPools().getPoolsList())
        .extracting(Pool::getListen)
        .containsExactly(":8443", ":8443");
  }

  @Test
  void aPlainOrConnectPoolOnItsPortIsRefusedNamingThePool() {
    assertRejected(
        () -> control.admin().createPool(create("api", ":8443", null)),
        Status.Code.ALREADY_EXISTS,
        "listen port 8443 is already used by pool \"web\"");
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "api",
                        ":8443",
                        PoolSettings.newBuilder()
                            .setHttpConnect(HttpConnect.newBuilder().setEnabled(true))
                            .build())),
        Status.Code.ALREADY_EXISTS,
        "listen port 8443 is already used by pool \"web\"");
  }

  @Test
  void aPostgresPoolSharesThePortWithOtherTlsPools() {
    Pool db =
        control
            .admin()
            .createPool(
                create(
                    "db",
                    ":8443",
                    PoolSettings.newBuilder()
                        .setTlsRouting(
                            TlsRouting.newBuilder()
                                .setEnabled(true)
                                .addServerNames("db.example.com")
                                .setPostgres(true))
                        .build()))
            .getPool();

    assertThat(db.getSettings().getTlsRouting().getPostgres()).isTrue();
  }

  @Test
  void aServerNameClaimedTwiceOnOnePortIsRefused() {
    assertRejected(
        () -> control.admin().createPool(create("db", ":8443", tls("WWW.example.com"))),
        Status.Code.INVALID_ARGUMENT,
        "pools db and web",
        "\"www.example.com\"",
        "settings.tls_routing.server_names");
  }

  @Test
  void aSecondDefaultPoolOnOnePortIsRefused() {
    control
        .admin()
        .createPool(
            create(
                "rest",
                ":8443",
                PoolSettings.newBuilder()
                    .setTlsRouting(TlsRouting.newBuilder().setEnabled(true).setDefaultPool(true))
                    .build()));

    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "more",
                        ":8443",
                        PoolSettings.newBuilder()
                            .setTlsRouting(
                                TlsRouting.newBuilder().setEnabled(true).setDefaultPool(true))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "settings.tls_routing.default_pool",
        "at most one");
  }

  @Test
  void poolsSharingAPortMustAgreeOnWhatComesBeforeThePoolIsKnown() {
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "db",
                        ":8443",
                        PoolSettings.newBuilder()
                            .setTlsRouting(
                                TlsRouting.newBuilder()
                                    .setEnabled(true)
                                    .addServerNames("db.example.com")
                                    .setClientHelloTimeout(Duration.newBuilder().setSeconds(3)))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "settings.tls_routing.client_hello_timeout");
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "db",
                        ":8443",
                        tls("db.example.com").toBuilder()
                            .setLimits(Limits.newBuilder().setMaxConnections(10))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "settings.limits.max_connections");
  }

  @Test
  void badServerNamesAreRefusedNamingTheFieldAndTheRule() {
    for (String bad :
        List.of(
            "10.0.0.1",
            "db.example.com.",
            "*",
            "a..b",
            "-a.example.com",
            "db_1.example.com",
            "a.*.example.com",
            "x".repeat(64) + ".com")) {
      assertRejected(
          () -> control.admin().createPool(create("db", ":9443", tls(bad))),
          Status.Code.INVALID_ARGUMENT,
          "settings.tls_routing.server_names");
    }
    assertRejected(
        () -> control.admin().createPool(create("db", ":9443", tls())),
        Status.Code.INVALID_ARGUMENT,
        "settings.tls_routing.server_names",
        "list at least one name, or set settings.tls_routing.default_pool");
  }

  @Test
  void aPostgresPoolCannotAlsoTerminateTls() {
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "db",
                        ":9443",
                        PoolSettings.newBuilder()
                            .setTlsRouting(
                                TlsRouting.newBuilder()
                                    .setEnabled(true)
                                    .addServerNames("db.example.com")
                                    .setPostgres(true))
                            .setTlsTermination(
                                TlsTermination.newBuilder()
                                    .setEnabled(true)
                                    .addCertificates(
                                        Certificate.newBuilder()
                                            .setCertFile("/etc/weir/db.pem")
                                            .setKeyFile("/etc/weir/db.key")))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "settings.tls_routing.postgres cannot be combined");
  }

  @Test
  void namesWithoutEnabledAndTheProxyHeaderAreRefused() {
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "db",
                        ":9443",
                        PoolSettings.newBuilder()
                            .setTlsRouting(TlsRouting.newBuilder().addServerNames("a.example"))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "need settings.tls_routing.enabled");
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "db",
                        ":9443",
                        tls("a.example").toBuilder()
                            .setProxyProtocol(ProxyProtocol.newBuilder().setAccept(true))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "settings.proxy_protocol.accept cannot be combined");
  }

  private void assertRejected(ThrowingCallable call, Status.Code code, String... fragments) {
    PoolRequests.assertRefusedChangingNothing(control, call, code, fragments);
  }

  private static PoolSettings tls(String... serverNames) {
    return PoolSettings.newBuilder()
        .setTlsRouting(
            TlsRouting.newBuilder().setEnabled(true).addAllServerNames(List.of(serverNames)))
        .build();
  }

  private static CreatePoolRequest create(String name, String listen, PoolSettings settings) {
    return PoolRequests.create(name, listen, settings);
  }
}
