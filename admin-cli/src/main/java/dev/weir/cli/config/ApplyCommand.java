package dev.weir.cli.config;

import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.api.v1.Pool;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code weirctl apply}: the pools in a file become what the control plane has, as one revision.
 * Built on ExportConfig and ImportConfig, with the exported version as the expected one, so a
 * change someone else makes in between is refused rather than overwritten.
 */
@Command(
    name = "apply",
    description = {
      "Makes each pool in FILE (YAML or JSON, as 'weirctl get -o yaml' or 'weirctl export' "
          + "write it) exactly as FILE says: pools it names are created or replaced, with "
          + "their backends and settings; pools it does not name are left alone, or deleted "
          + "with --prune. All of it is one revision, checked whole and guarded like any "
          + "change: if any of it is refused, nothing changes. Applying a file again changes "
          + "nothing.",
      "If the configuration changes between reading it and applying, apply is refused "
          + "(ABORTED) and nothing changes: run it again to apply over the new state.",
      "If FILE says which config version it was read at (configVersion, as 'weirctl get' and "
          + "'weirctl export' write it) and a pool apply would change was changed since then, "
          + "apply is refused (ABORTED, naming both versions and the pools), since it would undo "
          + "that change: get the file again, or give --force to overwrite it.",
      "FILE has the pools under a \"pools\" key, or is one pool (\"name\", \"listen\", "
          + "... at the top level). Fields left out take "
          + "their defaults, as the flags of 'weirctl pool create' do (round-robin, weight 1, "
          + "active). Enum values may be written as the flags spell them (round-robin, tcp, "
          + "draining, v2) or as the API names (ROUND_ROBIN). Deleting every pool (--prune "
          + "with \"pools\": []) needs --delete-all."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl get web -o yaml > web.yaml    # edit it, then:",
      "  weirctl apply -f web.yaml --dry-run   # the diff, nothing changed",
      "  weirctl apply -f web.yaml --wait      # applied on every proxy when it returns",
      "  weirctl apply -f fleet.yaml --prune   # and delete every pool fleet.yaml does not name"
    })
public final class ApplyCommand implements Runnable {

  private final Session session;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      required = true,
      description =
          "The pools to apply: YAML (.yaml, .yml, or anything not starting with "
              + "'{') or JSON, at most 8 MiB; - reads stdin.")
  private Path file;

  @Option(names = "--prune", description = "Also delete the pools FILE does not name.")
  private boolean prune;

  @Option(
      names = "--delete-all",
      description = "With --prune, allow deleting every pool (a FILE with \"pools\": []).")
  private boolean deleteAll;

  @Mixin private MutationFlags mutation;

  ApplyCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ConfigFile.Contents read = ConfigFile.readPools(file);
    ExportConfigResponse desired = read.config();
    ExportConfigResponse current =
        session.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    ImportConfigRequest.Builder request =
        ImportConfigRequest.newBuilder()
            .addAllPools(merge(current.getPoolsList(), desired.getPoolsList(), prune))
            .setExpectedVersion(current.getConfigVersion())
            .setAllowDeleteAll(deleteAll);
    if (read.versioned()) {
      // The control plane refuses to undo, unseen, what changed since FILE was read.
      request
          .setBaseVersion(desired.getConfigVersion())
          .setOverwriteNewer(mutation.options().getForce());
    }
    ImportCommand.send(session, mutation, request, response -> confirmation(desired, response));
  }

  /**
   * The whole configuration apply asks for: {@code current} with each pool {@code desired} names
   * replaced (in place) and the new ones after them; only {@code desired} when pruning.
   */
  static List<Pool> merge(List<Pool> current, List<Pool> desired, boolean prune) {
    if (prune) {
      return desired;
    }
    Map<String, Pool> byName = new LinkedHashMap<>();
    for (Pool pool : current) {
      byName.put(pool.getName(), pool);
    }
    List<Pool> added = new ArrayList<>();
    for (Pool pool : desired) {
      if (byName.containsKey(pool.getName())) {
        byName.put(pool.getName(), pool);
      } else {
        // A name twice in the file is passed on as it is: the control plane refuses it.
        added.add(pool);
      }
    }
    List<Pool> merged = new ArrayList<>(byName.values());
    merged.addAll(added);
    return merged;
  }

  private String confirmation(ExportConfigResponse desired, ImportConfigResponse response) {
    if (response.getDiff().isEmpty()) {
      return "the control plane already has what "
          + file
          + " says (config version "
          + response.getConfigVersion()
          + "); nothing changed";
    }
    int pools = desired.getPoolsCount();
    return "applied "
        + pools
        + (pools == 1 ? " pool" : " pools")
        + " from "
        + file
        + " (config version "
        + response.getConfigVersion()
        + ")";
  }
}
