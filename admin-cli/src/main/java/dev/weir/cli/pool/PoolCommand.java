package dev.weir.cli.pool;

import picocli.CommandLine.Command;

/** Groups the pool commands; on its own it is a usage error. */
@Command(
    name = "pool",
    description =
        "Create, list, inspect, change and delete pools: named groups of backends served on "
            + "one listen port.",
    mixinStandardHelpOptions = true,
    subcommands = {
      CreatePoolCommand.class,
      ListPoolsCommand.class,
      ShowPoolCommand.class,
      SetPoolCommand.class,
      DeletePoolCommand.class
    },
    footer = {
      "%nExamples:",
      "  weirctl pool list",
      "  weirctl pool show web",
      "  weirctl pool set web --idle-timeout 5m"
    })
public final class PoolCommand {}
