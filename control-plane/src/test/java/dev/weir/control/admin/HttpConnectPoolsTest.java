package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.UpdatePoolRequest;
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
 * Pools in HTTP CONNECT mode share a listen port; every other sharing, and every bad CONNECT
 * setting, is refused naming the pools and the field, and changes nothing.
 */
class HttpConnectPoolsTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithACONNECTPool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control.admin().createPool(create("web", ":8080", connect()));
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void anotherConnectPoolSharesThePortWithItsAuthoritiesInNormalForm() {
    Pool db =
        control
            .admin()
            .createPool(create("db", ":8080", connect("DB.Internal:5432", "10.0.0.9:5432")))
            .getPool();

    assertThat(db.getSettings().getHttpConnect().getAuthoritiesList())
        .containsExactly("db.internal:5432", "10.0.0.9:5432");
    assertThat(control.listPools().getPoolsList())
        .extracting(Pool::getListen)
        .containsExactly(":8080", ":8080");
  }

  @Test
  void aPlainPoolOnAConnectPoolsPortAlreadyExistsNamingThatPool() {
    assertRejected(
        () -> control.admin().createPool(create("api", ":8080", null)),
        Status.Code.ALREADY_EXISTS,
        "listen port 8080 is already used by pool \"web\"",
        "only pools that all set settings.http_connect.enabled, or all set settings.tls_routing.enabled, may share a listen port");
  }

  @Test
  void turningConnectModeOffOnASharedPortIsRefused() {
    control.admin().createPool(create("db", ":8080", connect("db:5432")));

    assertRejected(
        () ->
            control
                .admin()
                .updatePool(
                    UpdatePoolRequest.newBuilder()
                        .setPool(Pool.newBuilder().setName("db"))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("settings.http_connect"))
                        .build()),
        Status.Code.ALREADY_EXISTS,
        "listen port 8080 is already used by pool \"web\"");
  }

  @Test
  void connectPoolsSharingAPortMustUseTheSameAddress() {
    assertRejected(
        () -> control.admin().createPool(create("db", "127.0.0.1:8080", connect())),
        Status.Code.INVALID_ARGUMENT,
        "listen:",
        "pools \"web\" and \"db\"",
        "\":8080\" and \"127.0.0.1:8080\"",
        "same listen address");
  }

  @Test
  void connectPoolsSharingAPortMustAgreeOnTheConnectionCap() {
    PoolSettings capped =
        connect().toBuilder().setLimits(Limits.newBuilder().setMaxConnections(100)).build();
    assertRejected(
        () -> control.admin().createPool(create("db", ":8080", capped)),
        Status.Code.INVALID_ARGUMENT,
        "settings.limits.max_connections",
        "pools \"web\" and \"db\"",
        "0 and 100",
        "must agree");
  }

  @Test
  void aTargetClaimedByAnotherPoolOfTheAddressIsInvalid() {
    assertRejected(
        () -> control.admin().createPool(create("db", ":8080", connect("WEB:8080"))),
        Status.Code.INVALID_ARGUMENT,
        "settings.http_connect.authorities",
        "pools \"web\" and \"db\"",
        "\"web:8080\"",
        "unique");
  }

  @Test
  void badAuthoritiesAreInvalidNamingTheField() {
    assertRejected(
        () -> control.admin().createPool(create("db", ":9000", connect("db"))),
        Status.Code.INVALID_ARGUMENT,
        "settings.http_connect.authorities[0] \"db\" is invalid",
        "host:port");
    assertRejected(
        () -> control.admin().createPool(create("db", ":9000", connect(":5432"))),
        Status.Code.INVALID_ARGUMENT,
        "settings.http_connect.authorities[0]",
        "missing host");
    assertRejected(
        () -> control.admin().createPool(create("db", ":9000", connect("a:1", "A:1"))),
        Status.Code.INVALID_ARGUMENT,
        "settings.http_connect.authorities[1]",
        "listed twice");
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "db",
                        ":9000",
                        PoolSettings.newBuilder()
                            .setHttpConnect(HttpConnect.newBuilder().addAuthorities("db:5432"))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "settings.http_connect.authorities needs settings.http_connect.enabled");
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create(
                        "db",
                        ":9000",
                        connect().toBuilder()
                            .setProxyProtocol(ProxyProtocol.newBuilder().setAccept(true))
                            .build())),
        Status.Code.INVALID_ARGUMENT,
        "settings.proxy_protocol.accept cannot be combined with"
            + " settings.http_connect.enabled");
  }

  @Test
  void anImportWithAPlainPoolOnAConnectPort() {
    Pool web = control.listPools().getPools(0);
    Pool api = Pool.newBuilder().setName("api").setListen(":8080").build();
    assertRejected(
        () ->
            control
                .admin()
                .importConfig(
                    ImportConfigRequest.newBuilder().addAllPools(List.of(web, api)).build()),
        Status.Code.ALREADY_EXISTS,
        "listen port 8080 is used by pools \"web\" and \"api\"");
  }

  private void assertRejected(ThrowingCallable call, Status.Code code, String... fragments) {
    PoolRequests.assertRefusedChangingNothing(control, call, code, fragments);
  }

  private static PoolSettings connect(String... authorities) {
    return PoolSettings.newBuilder()
        .setHttpConnect(
            HttpConnect.newBuilder().setEnabled(true).addAllAuthorities(List.of(authorities)))
        .build();
  }

  private static CreatePoolRequest create(String name, String listen, PoolSettings settings) {
    return PoolRequests.create(name, listen, settings);
  }
}
