package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the control plane commits, a real proxy accepts: pool files for {@code weirctl import} and
 * {@code apply} that leave the algorithm, backend states and weights out get the CLI's defaults,
 * and the proxy ACKs and serves them instead of refusing ALGORITHM_UNSPECIFIED.
 */
class ConfigValidationIT {

  private static final String PROXY = "127.0.0.9";

  @TempDir Path dir;
  private Fleet fleet;

  @BeforeEach
  void startFleet() {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("proxy", PROXY);
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void importedAndAppliedPoolsWithoutAlgorithmOrStateAreServedWithTheDefaults() throws Exception {
    Fleet.Backend red = fleet.startBackend("red");
    Fleet.Backend blue = fleet.startBackend("blue");
    int webPort = Fleet.freePortOn(PROXY);
    int apiPort = Fleet.freePortOn(PROXY);

    // As in issue 17: no algorithm and no state, which every proxy used to refuse.
    fleet.weirctl("import", "-f", bareFile("web", webPort, red, "weight: 1")).assertOk();
    fleet.awaitAllAcked("proxy");
    assertThat(Fleet.backendOf(PROXY, webPort)).isEqualTo("red");

    fleet.weirctl("apply", "-f", bareFile("api", apiPort, blue, "")).assertOk();
    fleet.awaitAllAcked("proxy");
    assertThat(Fleet.backendOf(PROXY, apiPort)).isEqualTo("blue");
    assertThat(Fleet.backendOf(PROXY, webPort)).isEqualTo("red");

    for (Pool pool :
        fleet.admin().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList()) {
      assertThat(pool.getAlgorithm())
          .as("pool %s", pool.getName())
          .isEqualTo(Algorithm.ROUND_ROBIN);
      assertThat(pool.getBackendsList())
          .extracting(Backend::getState, Backend::getWeight)
          .containsOnly(tuple(BackendState.ACTIVE, 1));
    }
  }

  /**
   * A pool file with only a name, a listen port and one backend's address, plus {@code
   * backendField} if not empty.
   */
  private String bareFile(String pool, int port, Fleet.Backend backend, String backendField)
      throws IOException {
    return Files.writeString(
            dir.resolve(pool + ".yaml"),
            """
        pools:
          - name: %s
            listen: ":%d"
            backends:
              - address: "%s"
                %s
        """
                .formatted(pool, port, backend.address(), backendField))
        .toString();
  }
}
