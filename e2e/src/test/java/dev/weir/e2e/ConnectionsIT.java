package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.CliResult;
import dev.weir.e2e.Fleet.Greeted;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weirctl connections} and {@code weirctl connections close} against real processes:
 * weir-control, one weir-proxy on 127.0.0.2 and two echo backends behind pool "web".
 */
class ConnectionsIT {

  private static final String PROXY = "127.0.0.2";

  @TempDir Path dir;
  private Fleet fleet;
  private Backend b1;
  private Backend b2;
  private int poolPort;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("edge-1", PROXY);
    b1 = fleet.startBackend("b1");
    b2 = fleet.startBackend("b2");
    poolPort = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + poolPort,
            "--backend",
            b1.address(),
            "--backend",
            b2.address())
        .assertOk();
    fleet.awaitAllAcked("edge-1");
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void listsBothClientsWithTheirPoolAndBackendAndClosesExactlyTheOneNamed() throws Exception {
    try (Greeted first = Fleet.connect(PROXY, poolPort);
        Greeted second = Fleet.connect(PROXY, poolPort)) {
      assertThat(first.echo("hello")).isEqualTo("hello");
      Map<String, ConnectionInfo> byClient = listByClient();

      assertThat(byClient).containsOnlyKeys(client(first), client(second));
      ConnectionInfo one = byClient.get(client(first));
      assertThat(one.getPool()).isEqualTo("web");
      assertThat(one.getProxyId()).isEqualTo("edge-1");
      assertThat(one.getId()).isEqualTo("edge-1/" + one.getSequence());
      assertThat(one.getBackendAddress()).isEqualTo(addressOf(first.backend()));
      assertThat(one.getBytesFromClient()).isEqualTo("hello\n".length());
      assertThat(byClient.get(client(second)).getBackendAddress())
          .isEqualTo(addressOf(second.backend()));

      CliResult closed = fleet.weirctl("connections", "close", one.getId());

      closed.assertOk();
      assertThat(closed.stdout()).contains("closed " + one.getId());
      assertThat(first.in().readLine()).as("the closed client sees end of stream").isNull();
      assertThat(second.echo("still here")).isEqualTo("still here");
      assertThat(listByClient()).containsOnlyKeys(client(second));

      CliResult again = fleet.weirctl("connections", "close", one.getId());
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.stderr()).contains("is not open on proxy edge-1");
    }
  }

  private Map<String, ConnectionInfo> listByClient() throws Exception {
    CliResult listed = fleet.weirctl("-o", "json", "connections");
    listed.assertOk();
    ListConnectionsResponse.Builder response = ListConnectionsResponse.newBuilder();
    JsonFormat.parser().merge(listed.stdout(), response);
    assertThat(response.getUnansweredProxiesList()).isEmpty();
    return response.getConnectionsList().stream()
        .collect(Collectors.toMap(ConnectionInfo::getClientAddress, Function.identity()));
  }

  private static String client(Greeted connection) {
    return connection.socket().getLocalAddress().getHostAddress()
        + ":"
        + connection.socket().getLocalPort();
  }

  private String addressOf(String backendName) {
    return backendName.equals(b1.name()) ? b1.address() : b2.address();
  }
}
