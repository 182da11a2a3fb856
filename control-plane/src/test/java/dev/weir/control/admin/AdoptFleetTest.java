package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.AdoptFleetRequest;
import dev.weir.api.v1.AdoptFleetResponse;
import dev.weir.api.v1.ConfigNack;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.NackKind;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A control plane with a new store takes over a running fleet only when told to. */
class AdoptFleetTest {
  private static final String PROXIES_FLEET = "1a2b3c4d-0000-4000-8000-000000000001";

  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void start() throws Exception {
    control = new InProcessControlPlane(dataDir);
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void everySnapshotCarriesTheStoresFleetId() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> proxy.latest() != null);
    String fleetId = proxy.latest().getFleetId();
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    await().until(() -> proxy.latest().getVersion() == 1);

    assertThat(fleetId).isNotEmpty();
    assertThat(proxy.snapshots()).extracting(ConfigSnapshot::getFleetId).containsOnly(fleetId);
  }

  @Test
  void aRefusingProxyIsListedWithTheFleetAndVersionItServes() {
    TestProxy proxy = refusingProxy("edge-1", 10);

    await().until(() -> info("edge-1").getRefusing() == NackKind.OTHER_FLEET);
    ProxyInfo info = info("edge-1");
    assertThat(info.getServingFleetId()).isEqualTo(PROXIES_FLEET);
    assertThat(info.getServingVersion()).isEqualTo(10);
    assertThat(info.getLastNackReason()).startsWith("refused config version 0");
    assertThat(proxy.closedWith()).isNull();
  }

  @Test
  void aProxyServingAnotherFleetsNewerVersionDoesNotCountAsHavingAppliedThisOne() {
    TestProxy proxy = refusingProxy("edge-1", 10);
    await().until(() -> info("edge-1").getRefusing() == NackKind.OTHER_FLEET);
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    await().until(() -> proxy.latest().getVersion() == 1);

    WaitForAppliedResponse response =
        control
            .admin()
            .waitForApplied(
                WaitForAppliedRequest.newBuilder()
                    .setConfigVersion(1)
                    .setTimeout(Durations.fromMillis(100))
                    .build());

    assertThat(response.getComplete()).isFalse();
    assertThat(info("edge-1").getLastAppliedVersion()).isZero();
  }

  @Test
  void adoptingCommitsThePoolsUnderTheProxiesFleetAboveTheirVersionAndRecordsIt() {
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    TestProxy proxy = refusingProxy("edge-1", 10);
    await().until(() -> info("edge-1").getRefusing() == NackKind.OTHER_FLEET);
    String before = proxy.latest().getFleetId();

    AdoptFleetResponse adopted = control.admin().adoptFleet(AdoptFleetRequest.getDefaultInstance());

    assertThat(adopted.getFleetId()).isEqualTo(PROXIES_FLEET);
    assertThat(adopted.getPreviousFleetId()).isEqualTo(before);
    assertThat(adopted.getConfigVersion()).isEqualTo(11);
    await().until(() -> proxy.latest().getVersion() == 11);
    ConfigSnapshot pushed = proxy.latest();
    assertThat(pushed.getFleetId()).isEqualTo(PROXIES_FLEET);
    assertThat(pushed.getPoolsList()).extracting("name").containsExactly("web");
    proxy.ack(pushed).applied(pushed);
    await().until(() -> info("edge-1").getRefusing() == NackKind.NACK_KIND_UNSPECIFIED);
    assertThat(info("edge-1").getServingFleetId()).isEqualTo(PROXIES_FLEET);
    Revision revision =
        control
            .admin()
            .listRevisions(ListRevisionsRequest.newBuilder().setLimit(1).build())
            .getRevisions(0);
    assertThat(revision.getVersion()).isEqualTo(11);
    assertThat(revision.getOperation()).isEqualTo("AdoptFleet");
    assertThat(revision.getDiff()).contains(before + " -> " + PROXIES_FLEET);
  }

  @Test
  void aDryRunChangesNothing() {
    refusingProxy("edge-1", 10);
    await().until(() -> info("edge-1").getRefusing() == NackKind.OTHER_FLEET);

    AdoptFleetResponse wouldBe =
        control
            .admin()
            .adoptFleet(
                AdoptFleetRequest.newBuilder()
                    .setOptions(MutationOptions.newBuilder().setDryRun(true))
                    .build());

    assertThat(wouldBe.getDryRun()).isTrue();
    assertThat(wouldBe.getConfigVersion()).isEqualTo(11);
    assertThat(control.listPools().getConfigVersion()).isZero();
  }

  @Test
  void withoutProxiesOrAFleetIdNothingIsGuessed() {
    assertThatThrownBy(() -> control.admin().adoptFleet(AdoptFleetRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .contains("no connected proxy serves a fleet to adopt")
                  .contains("--fleet-id");
            });
  }

  @Test
  void proxiesOfTwoFleetsNeedTheFleetIdNamed() {
    refusingProxy("edge-1", 10);
    TestProxy other =
        control
            .connectProxy()
            .hello(
                Hello.newBuilder()
                    .setProxyId("edge-2")
                    .setHostname("h")
                    .setVersion("test")
                    .setFleetId("other-fleet")
                    .setConfigVersion(3)
                    .build());
    await().until(() -> info("edge-2").getConnected());

    assertThatThrownBy(() -> control.admin().adoptFleet(AdoptFleetRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .contains("serve 2 fleets")
                  .contains("fleet other-fleet: edge-2")
                  .contains("fleet " + PROXIES_FLEET + ": edge-1");
            });
    AdoptFleetResponse adopted =
        control
            .admin()
            .adoptFleet(AdoptFleetRequest.newBuilder().setFleetId("other-fleet").build());
    assertThat(adopted.getConfigVersion()).as("above every version served").isEqualTo(11);
    assertThat(other.closedWith()).isNull();
  }

  @Test
  void aMalformedFleetIdIsInvalidArgumentNamingTheField() {
    assertThatThrownBy(
            () ->
                control
                    .admin()
                    .adoptFleet(AdoptFleetRequest.newBuilder().setFleetId("bad id!").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("fleet_id must be");
            });
  }

  // A proxy that serves version {@code version} of PROXIES_FLEET and refuses what it is sent.
  private TestProxy refusingProxy(String id, long version) {
    TestProxy proxy =
        control
            .connectProxy()
            .hello(
                Hello.newBuilder()
                    .setProxyId(id)
                    .setHostname("h")
                    .setVersion("test")
                    .setFleetId(PROXIES_FLEET)
                    .setConfigVersion(version)
                    .build());
    await().until(() -> proxy.latest() != null);
    ConfigSnapshot offered = proxy.latest();
    proxy.send(
        ProxyMessage.newBuilder()
            .setNack(
                ConfigNack.newBuilder()
                    .setVersion(offered.getVersion())
                    .setNonce(offered.getNonce())
                    .setKind(NackKind.OTHER_FLEET)
                    .setReason(
                        "refused config version "
                            + offered.getVersion()
                            + " of fleet "
                            + offered.getFleetId()
                            + ": this proxy serves version "
                            + version
                            + " of fleet "
                            + PROXIES_FLEET))
            .build());
    return proxy;
  }

  private ProxyInfo info(String id) {
    return control
        .admin()
        .listProxies(ListProxiesRequest.getDefaultInstance())
        .getProxiesList()
        .stream()
        .filter(p -> p.getId().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
