package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.cli.CliRunner.Result;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens reach the control plane from a file or the environment, never the command line, and only
 * with TLS; a refusal is one line and exit code 5.
 */
class CredentialsTest {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String TOKEN = "s3cret-token-0d9e";

  @TempDir Path dir;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile Status refusal;
  private Server server;
  private ManagedChannel channel;
  private Path ca;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerInterceptor gate =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            String authorization = headers.get(AUTHORIZATION);
            authorizations.add(authorization == null ? "(none)" : authorization);
            if (refusal != null) {
              call.close(refusal, new Metadata());
              return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    new FakeAdminService().respondWith(ListPoolsResponse.getDefaultInstance()),
                    gate))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    // The in-process connector ignores TLS; the file only has to exist.
    ca = Files.writeString(dir.resolve("ca.pem"), "not parsed in-process");
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aTokenFileIsSentAsABearerToken() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");

    Result result =
        cli().run("--tls-ca", ca.toString(), "--token-file", file.toString(), "pool", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(authorizations).containsExactly("Bearer " + TOKEN);
  }

  @Test
  void theTokenCanComeFromTheEnvironment() {
    Result result =
        cli()
            .withEnvironment("WEIR_TOKEN", TOKEN)
            .withEnvironment("WEIR_TLS_CA", ca.toString())
            .run("pool", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(authorizations).containsExactly("Bearer " + TOKEN);
  }

  @Test
  void aTokenWithoutTlsIsAUsageErrorAndNothingIsSent() {
    Result result = cli().withEnvironment("WEIR_TOKEN", TOKEN).run("pool", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("a bearer token is only sent over TLS").doesNotContain(TOKEN);
    assertThat(authorizations).isEmpty();
  }

  @Test
  void thereIsNoFlagForTheTokenItself() {
    Result result = cli().run("--token", TOKEN, "pool", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(authorizations).isEmpty();
  }

  @Test
  void aMissingTokenFileIsAUsageErrorNamingIt() {
    Result result =
        cli()
            .run(
                "--tls-ca",
                ca.toString(),
                "--token-file",
                dir.resolve("absent").toString(),
                "pool",
                "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("--token-file " + dir.resolve("absent") + ": no such readable file");
  }

  @Test
  void permissionDeniedIsOneLineAndExitCodeFive() {
    refusal =
        Status.PERMISSION_DENIED.withDescription(
            "caller grafana has role viewer; weir.v1.AdminService/CreatePool needs admin");

    Result result =
        cli()
            .withEnvironment("WEIR_TOKEN", TOKEN)
            .withEnvironment("WEIR_TLS_CA", ca.toString())
            .run("pool", "create", "web", "--listen", ":8080");

    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err())
        .isEqualTo(
            "error: not allowed: caller grafana has role viewer; "
                + "weir.v1.AdminService/CreatePool needs admin\n");
  }

  @Test
  void unauthenticatedIsOneLineAndExitCodeFive() {
    refusal = Status.UNAUTHENTICATED.withDescription("unknown bearer token");

    Result result =
        cli()
            .withEnvironment("WEIR_TOKEN", TOKEN)
            .withEnvironment("WEIR_TLS_CA", ca.toString())
            .run("pool", "list");

    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err())
        .startsWith(
            "error: control plane at 127.0.0.1:9900 did not accept "
                + "the credentials: unknown bearer token")
        .doesNotContain(TOKEN);
  }

  private CliRunner cli() {
    return new CliRunner(channel);
  }
}
