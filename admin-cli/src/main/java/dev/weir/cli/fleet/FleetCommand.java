package dev.weir.cli.fleet;

import picocli.CommandLine.Command;

/** Groups the fleet commands; on its own it is a usage error. */
@Command(
    name = "fleet",
    description =
        "Take over the proxies of a fleet after the control plane's store was lost, "
            + "replaced or restored from an older backup.",
    mixinStandardHelpOptions = true,
    subcommands = {AdoptFleetCommand.class},
    footer = {"%nExamples:", "  weirctl fleet adopt --dry-run", "  weirctl fleet adopt --wait"})
public final class FleetCommand {}
