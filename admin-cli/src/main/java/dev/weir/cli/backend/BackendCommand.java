package dev.weir.cli.backend;

import picocli.CommandLine.Command;

/** Groups the backend commands; on its own it is a usage error. */
@Command(
    name = "backend",
    description =
        "Change one backend of a pool. Each change becomes a new config version that "
            + "is pushed to every proxy.",
    mixinStandardHelpOptions = true,
    subcommands = {
      AddBackendCommand.class,
      RemoveBackendCommand.class,
      SetWeightCommand.class,
      DrainBackendCommand.class,
      UndrainBackendCommand.class
    },
    footer = {
      "%nExamples:",
      "  weirctl backend add web 10.0.0.7:80 --weight 2",
      "  weirctl backend drain web 10.0.0.5:80"
    })
public final class BackendCommand {}
