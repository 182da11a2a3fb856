package dev.weir.cli.config;

import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.Pool;
import dev.weir.cli.output.OutputFormat;
import dev.weir.cli.output.Yaml;
import dev.weir.cli.session.Session;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weirctl get}: pools as {@code apply} takes them. */
@Command(
    name = "get",
    description = {
      "Prints pools (all, or those named) as 'weirctl apply -f' takes them: YAML, or JSON with "
          + "-o json. Edit and apply it back to change them declaratively."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl get > fleet.yaml",
      "  weirctl get web api -o yaml",
      "  weirctl get web -o json | jq '.pools[0].backends'"
    })
public final class GetCommand implements Runnable {

  private final Session session;

  @Parameters(paramLabel = "POOL", arity = "0..*", description = "Pools to print; all if none.")
  private List<String> names = new ArrayList<>();

  GetCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ExportConfigResponse all =
        session.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    ExportConfigResponse chosen = choose(all, names);
    // Without -o, YAML: what apply takes is the point of this command, not a table.
    OutputFormat format = session.output().format();
    String json = ConfigFile.json(chosen);
    session.out().print(format == OutputFormat.JSON ? json : Yaml.fromJson(json));
    session.out().flush();
  }

  /**
   * The pools {@code names} lists, in that order, from {@code all}.
   *
   * @throws ConfigFileException naming a pool that does not exist, and those that do
   */
  static ExportConfigResponse choose(ExportConfigResponse all, List<String> names) {
    if (names.isEmpty()) {
      return all;
    }
    ExportConfigResponse.Builder chosen =
        ExportConfigResponse.newBuilder().setConfigVersion(all.getConfigVersion());
    Set<String> wanted = new LinkedHashSet<>(names);
    for (String name : wanted) {
      Pool pool =
          all.getPoolsList().stream()
              .filter(p -> p.getName().equals(name))
              .findFirst()
              .orElse(null);
      if (pool == null) {
        List<String> known = all.getPoolsList().stream().map(Pool::getName).toList();
        throw new ConfigFileException(
            "no pool named \""
                + name
                + "\"; the pools are: "
                + (known.isEmpty() ? "(none)" : String.join(", ", known)));
      }
      chosen.addPools(pool);
    }
    return chosen.build();
  }
}
