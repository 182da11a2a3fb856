package dev.weir.cli.pool;

import picocli.CommandLine.Command;

/** Groups the pool commands; on its own it is a usage error. */
@Command(
    name = "pool",
    description =
        "Create, list, inspect and delete pools: named groups of backends served on one "
            + "listen port.",
    mixinStandardHelpOptions = true,
    subcommands = {
      CreatePoolCommand.class,
      ListPoolsCommand.class,
      ShowPoolCommand.class,
      DeletePoolCommand.class
    },
    footer = {"%nExamples:", "  weirctl pool list", "  weirctl pool show web"})
public final class PoolCommand {}
