package dev.weir.cli.config;

import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code weirctl import}: the ImportConfig call, from a file 'weirctl export' wrote. */
@Command(
    name = "import",
    description = {
      "Makes the configuration in FILE (as 'weirctl export' writes it) the current one, as one "
          + "revision: pools not in FILE are deleted, the others replaced. It is checked whole "
          + "and guarded like any change; if any of it is refused, nothing changes. Importing "
          + "what is already current changes nothing and makes no new revision.",
      "The config version in FILE is not used: the control plane numbers its own versions. "
          + "Try it with --dry-run first to see what would change.",
      "FILE must have a \"pools\" key: a file with one pool at the top is refused, since "
          + "importing it would delete every other pool ('weirctl apply -f' takes it). An import "
          + "that would delete every pool (\"pools\": []) is refused unless --delete-all is "
          + "given."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl import -f weir-config.json --dry-run",
      "  weirctl import -f weir-config.json --wait",
      "  weirctl import -f weir-config.json --expected-version 42"
    })
public final class ImportCommand implements Runnable {

  private final Session session;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      required = true,
      description =
          "The file to import, as 'weirctl export' writes it (JSON, or the same as "
              + "YAML), at most 8 MiB; - reads stdin.")
  private Path file;

  @Option(
      names = "--expected-version",
      paramLabel = "VERSION",
      converter = ImportCommand.ExpectedVersionConverter.class,
      description =
          "Import only if VERSION is still the current config version (what 'weirctl "
              + "export' or 'weirctl history' showed); refused otherwise, so a change made since "
              + "is not overwritten unseen.")
  private Long expectedVersion;

  @Option(
      names = "--delete-all",
      description =
          "Allow the import to delete every pool (a FILE with \"pools\": []); "
              + "refused without it.")
  private boolean deleteAll;

  @Mixin private MutationFlags mutation;

  ImportCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ExportConfigResponse config = ConfigFile.read(file).config();
    ImportConfigRequest.Builder request =
        ImportConfigRequest.newBuilder()
            .addAllPools(config.getPoolsList())
            .setAllowDeleteAll(deleteAll);
    if (expectedVersion != null) {
      request.setExpectedVersion(expectedVersion);
    }
    send(session, mutation, request, response -> confirmation(config, response));
  }

  /**
   * Sends {@code request} (its options from {@code mutation}) and reports it as every change is
   * reported (diff, dry run, --wait).
   *
   * @param confirmation the line for people once it is done
   */
  static void send(
      Session session,
      MutationFlags mutation,
      ImportConfigRequest.Builder request,
      Function<ImportConfigResponse, String> confirmation) {
    mutation.applyTo(request::setOptions);
    ImportConfigResponse response = session.admin().importConfig(request.build());
    new ChangeReport(session, mutation)
        .print(
            response,
            response.getConfigVersion(),
            response.getDiff(),
            response.getDryRun(),
            () -> confirmation.apply(response));
  }

  private String confirmation(ExportConfigResponse config, ImportConfigResponse response) {
    if (response.getDiff().isEmpty()) {
      return "the configuration in "
          + file
          + " is already current (config version "
          + response.getConfigVersion()
          + "); nothing changed";
    }
    int pools = config.getPoolsCount();
    return "imported "
        + pools
        + (pools == 1 ? " pool" : " pools")
        + " from "
        + file
        + " (config version "
        + response.getConfigVersion()
        + ")";
  }

  /** A config version, 0 included: an empty control plane that never changed is at 0. */
  static final class ExpectedVersionConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      if (value.matches("[0-9]{1,18}")) {
        return Long.parseLong(value);
      }
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a config version: give a "
              + "number from 0, as 'weirctl export' or 'weirctl history' shows it");
    }
  }
}
