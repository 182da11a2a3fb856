package dev.weir.control.fleet;

import static dev.weir.control.testing.ConnectionAnswers.closes;
import static dev.weir.control.testing.ConnectionAnswers.conn;
import static dev.weir.control.testing.ConnectionAnswers.lists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListConnectionsCommand;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ListConnections and CloseConnection through simulated proxy streams. */
class FleetConnectionsTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithOnePool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void listsEveryConnectedProxysConnectionsWithFleetIdsSortedByProxyAndSequence() {
    TestProxy second = proxy("edge-2", lists(conn(7, "10.0.0.1:80"), conn(3, "10.0.0.1:80")));
    TestProxy first = proxy("edge-1", lists(conn(50, "")));

    ListConnectionsResponse response =
        control.admin().listConnections(ListConnectionsRequest.newBuilder().setPool("web").build());

    assertThat(response.getConnectionsList())
        .extracting(ConnectionInfo::getId)
        .containsExactly("edge-1/50", "edge-2/3", "edge-2/7");
    assertThat(response.getConnections(1).getProxyId()).isEqualTo("edge-2");
    assertThat(response.getUnansweredProxiesList()).isEmpty();
    assertThat(response.getTruncated()).isFalse();
    ListConnectionsCommand asked = first.requests().get(0).getListConnections();
    assertThat(asked.getPool()).isEqualTo("web");
    assertThat(asked.getLimit()).isEqualTo(1000);
    assertThat(second.requests()).hasSize(1);
  }

  @Test
  void aProxyThatNeverAnswersIsNamedAndTheOthersConnectionsStillCome() {
    proxy("edge-1", lists(conn(1, "10.0.0.1:80")));
    proxy("old-proxy", null);

    ListConnectionsResponse response =
        control.admin().listConnections(ListConnectionsRequest.getDefaultInstance());

    assertThat(response.getConnectionsList())
        .extracting(ConnectionInfo::getId)
        .containsExactly("edge-1/1");
    assertThat(response.getUnansweredProxiesList()).containsExactly("old-proxy");
  }

  @Test
  void whatAProxyClaimsIsCheckedAgainstTheFiltersAndTheLimit() {
    ConnectionInfo lying = conn(9, "10.9.9.9:80").toBuilder().setProxyId("edge-2").build();
    proxy("edge-1", lists(conn(1, "10.0.0.1:80"), lying, conn(2, "10.0.0.1:80")));

    ListConnectionsResponse filtered =
        control
            .admin()
            .listConnections(ListConnectionsRequest.newBuilder().setBackend("10.0.0.1:80").build());
    ListConnectionsResponse limited =
        control.admin().listConnections(ListConnectionsRequest.newBuilder().setLimit(1).build());

    assertThat(filtered.getConnectionsList())
        .extracting(ConnectionInfo::getId)
        .containsExactly("edge-1/1", "edge-1/2");
    assertThat(limited.getConnectionsList())
        .extracting(ConnectionInfo::getId)
        .containsExactly("edge-1/1");
    assertThat(limited.getTruncated()).isTrue();
  }

  @Test
  void closeReachesOnlyTheProxyThatHoldsTheConnection() {
    TestProxy holder = proxy("edge-1", closes(12));
    TestProxy other = proxy("edge-2", closes(12));

    CloseConnectionResponse response =
        control
            .admin()
            .closeConnection(CloseConnectionRequest.newBuilder().setId("edge-1/12").build());

    assertThat(response.getConnection().getId()).isEqualTo("edge-1/12");
    assertThat(response.getConnection().getClientAddress()).isEqualTo("192.0.2.1:40000");
    assertThat(holder.requests())
        .extracting(m -> m.getCloseConnection().getSequence())
        .containsExactly(12L);
    assertThat(other.requests()).isEmpty();
  }

  @Test
  void closingWhatCannotBeClosedSaysWhy() {
    proxy("edge-1", closes(12));
    proxy("old-proxy", null);
    TestProxy gone = proxy("gone", closes(1));
    gone.cancel();
    await()
        .until(
            () ->
                control
                    .admin()
                    .listProxies(ListProxiesRequest.getDefaultInstance())
                    .getProxiesList()
                    .stream()
                    .anyMatch(p -> p.getId().equals("gone") && !p.getConnected()));

    assertError(close("edge-1/13"), Status.Code.NOT_FOUND, "connection edge-1/13 is not open");
    assertError(close("edge-9/1"), Status.Code.NOT_FOUND, "proxy \"edge-9\" not found");
    assertError(close("gone/1"), Status.Code.UNAVAILABLE, "proxy gone is not connected");
    assertError(
        close("old-proxy/1"),
        Status.Code.UNAVAILABLE,
        "proxy old-proxy did not answer within 2000 ms");
    assertError(close("edge-1"), Status.Code.INVALID_ARGUMENT, "id \"edge-1\" is invalid");
    assertError(close("edge-1/x"), Status.Code.INVALID_ARGUMENT, "PROXY-ID/SEQUENCE");
    assertError(
        close("edge-1/99999999999999999999"),
        Status.Code.INVALID_ARGUMENT,
        "id \"edge-1/99999999999999999999\" is invalid");
  }

  @Test
  void badFiltersAreRefusedNamingTheField() {
    assertError(
        list(ListConnectionsRequest.newBuilder().setPool("nope")),
        Status.Code.NOT_FOUND,
        "pool \"nope\" not found");
    assertError(
        list(ListConnectionsRequest.newBuilder().setBackend("no port")),
        Status.Code.INVALID_ARGUMENT,
        "backend address");
    assertError(
        list(ListConnectionsRequest.newBuilder().setLimit(10_001)),
        Status.Code.INVALID_ARGUMENT,
        "limit must be 0..10000 (0 means 1000), got 10001");
    assertError(
        list(ListConnectionsRequest.newBuilder().setProxy("edge 1")),
        Status.Code.INVALID_ARGUMENT,
        "proxy \"edge 1\" is invalid");
    assertError(
        list(ListConnectionsRequest.newBuilder().setProxy("edge-9")),
        Status.Code.NOT_FOUND,
        "proxy \"edge-9\" not found");
  }

  @Test
  void aStreamThatEndsWhileAskedCountsAsUnansweredAndHoldsNothing() {
    TestProxy leaving = control.connectProxy().hello("edge-1");
    await().until(() -> leaving.latest() != null);
    leaving.answerRequests(
        m -> {
          leaving.cancel();
          return null;
        });

    ListConnectionsResponse response =
        control.admin().listConnections(ListConnectionsRequest.getDefaultInstance());

    assertThat(response.getUnansweredProxiesList()).containsExactly("edge-1");
  }

  private TestProxy proxy(String id, Function<ControlMessage, ProxyMessage> answers) {
    TestProxy proxy = control.connectProxy().hello(id);
    await().until(() -> proxy.latest() != null);
    if (answers != null) {
      proxy.answerRequests(answers);
    }
    return proxy;
  }

  private Runnable close(String id) {
    return () ->
        control.admin().closeConnection(CloseConnectionRequest.newBuilder().setId(id).build());
  }

  private Runnable list(ListConnectionsRequest.Builder request) {
    return () -> control.admin().listConnections(request.build());
  }

  private static void assertError(Runnable call, Status.Code code, String description) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(description);
            });
  }
}
