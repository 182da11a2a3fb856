package dev.weir.cli.pool;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.PoolResponse;
import dev.weir.cli.args.ListenAddressConverter;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weirctl pool create}: the CreatePool call. */
@Command(
    name = "create",
    description =
        "Creates a pool that the proxies serve on its listen address, optionally with "
            + "its first backends and settings. Settings not given take the defaults shown.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    customSynopsis = "weirctl pool create NAME --listen [HOST]:PORT [OPTIONS]",
    footer = {
      PoolSettingsOptions.VALUES_HEADING,
      PoolSettingsOptions.VALUES_DURATION,
      PoolSettingsOptions.VALUES_BYTES,
      PoolSettingsOptions.VALUES_PERCENT,
      "%nExamples:",
      "  weirctl pool create web --listen :8080 \\",
      "      --backend 10.0.0.5:80 --backend 10.0.0.6:80",
      "  weirctl pool create db --listen 0.0.0.0:5432 --health-check tcp \\",
      "      --backend 10.0.1.7:5432=3 --backend 10.0.1.8:5432=1",
      "  weirctl pool create api --listen :443 --algorithm least-connections \\",
      "      --health-check http --health-path /healthz --health-interval 5s \\",
      "      --max-connections-per-backend 100 --idle-timeout 5m --slow-start 30s \\",
      "      --backend 10.0.2.7:8443 --backend 10.0.2.8:8443",
      "  weirctl pool create web --listen :8080 \\",
      "      --min-healthy 2 --max-drain-percent 25 \\",
      "      --backend 10.0.0.5:80 --backend 10.0.0.6:80 --backend 10.0.0.7:80 --wait"
    })
final class CreatePoolCommand implements Runnable {

  private final Session session;

  @Parameters(paramLabel = "NAME", description = "Pool name: lower-case letters, digits and '-'.")
  private String name;

  @Option(
      names = "--listen",
      order = 1,
      required = true,
      paramLabel = "[HOST]:PORT",
      converter = ListenAddressConverter.class,
      description = "Where the proxies accept connections for this pool, e.g. :8080.")
  private String listen;

  @Option(
      names = "--algorithm",
      order = 2,
      paramLabel = "NAME",
      converter = Algorithms.Converter.class,
      completionCandidates = Algorithms.Names.class,
      description =
          "${COMPLETION-CANDIDATES}; round-robin when omitted. Every one follows the"
              + " backends' weights; weighted-round-robin is another name for round-robin.")
  private Algorithm algorithm;

  @Option(
      names = "--backend",
      order = 3,
      paramLabel = "HOST:PORT[=WEIGHT]",
      converter = BackendSpecConverter.class,
      description = "A first backend, with an optional weight (1 when omitted). Repeatable.")
  private List<Backend> backends = new ArrayList<>();

  @Mixin private PoolSettingsOptions settings;

  @Mixin private MutationFlags mutation;

  CreatePoolCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder().setName(name).setListen(listen).addAllBackends(backends);
    mutation.applyTo(request::setOptions);
    if (algorithm != null) {
      request.setAlgorithm(algorithm);
    }
    SettingsEdit edit = settings.edit();
    if (edit.hasValues()) {
      request.setSettings(edit.settings());
    }
    PoolResponse response = session.admin().createPool(request.build());
    new ChangeReport(session, mutation)
        .print(
            response,
            response.getConfigVersion(),
            response.getDiff(),
            response.getDryRun(),
            () -> "pool " + name + " created (config version " + response.getConfigVersion() + ")");
  }
}
