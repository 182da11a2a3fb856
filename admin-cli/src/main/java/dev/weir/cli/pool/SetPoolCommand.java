package dev.weir.cli.pool;

import com.google.protobuf.FieldMask;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.cli.args.ListenAddressConverter;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import java.util.Comparator;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weirctl pool set}: the UpdatePool call. Only what the flags name is sent and listed in the
 * update_mask, so settings the operator did not mention keep their values.
 */
@Command(
    name = "set",
    description =
        "Changes a pool's listen address, algorithm or settings. Only the settings given change; "
            + "the others keep their values.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    footer = {
      PoolSettingsOptions.VALUES_HEADING,
      PoolSettingsOptions.VALUES_DURATION,
      PoolSettingsOptions.VALUES_BYTES,
      PoolSettingsOptions.VALUES_PERCENT,
      "%nExamples:",
      "  weirctl pool set web --health-check http --health-path /healthz \\",
      "      --health-interval 5s --health-fall 3",
      "  weirctl pool set web --max-connections 1000 --idle-timeout 5m",
      "  weirctl pool set web --algorithm least-connections --slow-start 30s",
      "  weirctl pool set web --health-check none --slow-start 0",
      "  weirctl pool set web --min-healthy 2 --max-drain-percent 25",
      "  weirctl pool set web --adaptive-weights --adaptive-max-percent 150 --health-quorum 60",
      "  weirctl pool set web --algorithm maglev --dry-run"
    })
final class SetPoolCommand implements Runnable {

  private final Session session;

  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The pool.")
  private String name;

  @Option(
      names = "--listen",
      order = 1,
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
      description = "${COMPLETION-CANDIDATES}.")
  private Algorithm algorithm;

  @Mixin private PoolSettingsOptions settings;

  @Mixin private MutationFlags mutation;

  SetPoolCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    Pool.Builder pool = Pool.newBuilder().setName(name);
    FieldMask.Builder mask = FieldMask.newBuilder();
    if (listen != null) {
      pool.setListen(listen);
      mask.addPaths("listen");
    }
    if (algorithm != null) {
      pool.setAlgorithm(algorithm);
      mask.addPaths("algorithm");
    }
    SettingsEdit edit = settings.edit();
    if (edit.hasValues()) {
      pool.setSettings(edit.settings());
    }
    mask.addAllPaths(edit.paths());
    if (mask.getPathsCount() == 0) {
      throw new ParameterException(
          spec.commandLine(), "nothing to change: give one or more of " + flagNames());
    }
    UpdatePoolRequest.Builder request =
        UpdatePoolRequest.newBuilder().setPool(pool).setUpdateMask(mask);
    mutation.applyTo(request::setOptions);
    PoolResponse response = session.admin().updatePool(request.build());
    new ChangeReport(session, mutation)
        .print(
            response,
            response.getConfigVersion(),
            response.getDiff(),
            response.getDryRun(),
            () -> "pool " + name + " updated (config version " + response.getConfigVersion() + ")");
  }

  // Read from the command itself, so the message can never fall behind the flags.
  private String flagNames() {
    return spec.options().stream()
        .filter(option -> !option.inherited() && !option.usageHelp() && !option.versionHelp())
        .filter(option -> !MutationFlags.NAMES.contains(option.longestName()))
        .sorted(Comparator.comparingInt(OptionSpec::order))
        .map(OptionSpec::longestName)
        .collect(Collectors.joining(", "));
  }
}
