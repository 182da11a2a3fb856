package dev.weir.cli.config;

import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.cli.session.Session;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weirctl export}: the ExportConfig call, written as JSON. */
@Command(
    name = "export",
    description = {
      "Writes the whole configuration (every pool with its backends and settings, and the "
          + "config version) as JSON, to stdout or to FILE. 'weirctl import' reads it back, "
          + "into this control plane or another one."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl export > weir-config.json",
      "  weirctl export -f weir-config.json",
      "  weirctl --control-plane old:9900 export | weirctl --control-plane new:9900 import -f "
          + "/dev/stdin"
    })
public final class ExportCommand implements Runnable {

  private final Session session;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Write to FILE (replacing it) instead of stdout.")
  private Path file;

  ExportCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ExportConfigResponse config =
        session.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    if (file == null) {
      // The JSON is the output whatever -o says: it is what import reads.
      session.out().print(ConfigFile.json(config));
      session.out().flush();
      return;
    }
    ConfigFile.write(file, config);
    session
        .output()
        .print(
            config,
            () ->
                "exported config version "
                    + config.getConfigVersion()
                    + " ("
                    + config.getPoolsCount()
                    + (config.getPoolsCount() == 1 ? " pool" : " pools")
                    + ") to "
                    + file);
  }
}
