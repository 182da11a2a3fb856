package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.cli.controlplane.CallerIdentity;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every call weirctl makes says who the operator is, for the control plane's audit trail. */
class CallerIdentityTest {

  private final FakeAdminService service = new FakeAdminService();
  private final List<String> actors = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerInterceptor recordActor =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            actors.add(String.valueOf(headers.get(CallerIdentity.HEADER)));
            return next.startCall(call, headers);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(service, recordActor))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void everyCallCarriesUserAtHostInTheWeirActorHeader() {
    service
        .respondWith(PoolResponse.newBuilder().setConfigVersion(3).build())
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder()
                .setComplete(true)
                .setElapsed(Durations.fromMillis(1))
                .build());

    int exitCode =
        new CliRunner(channel)
            .withEnvironment("USER", "alice")
            .withEnvironment("HOSTNAME", "laptop")
            .run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait")
            .exitCode();

    assertThat(exitCode).isZero();
    assertThat(actors).containsExactly("alice@laptop", "alice@laptop");
  }

  @Test
  void theUserFallsBackToLognameThenTheJvmsUserName() {
    assertThat(CallerIdentity.describe(Map.of("LOGNAME", "bob", "HOSTNAME", "ops-1")::get))
        .isEqualTo("bob@ops-1");
    assertThat(CallerIdentity.describe(Map.of("HOSTNAME", "ops-1")::get))
        .isEqualTo(System.getProperty("user.name") + "@ops-1");
    assertThat(CallerIdentity.describe(name -> null)).matches("[^@]+@[^@]+");
  }

  @Test
  void charactersAHeaderCannotCarryAreReplaced() {
    assertThat(CallerIdentity.describe(Map.of("USER", "zoë", "HOSTNAME", "h\tost")::get))
        .isEqualTo("zo?@h?ost");
  }
}
