/**
 * What every mutating command shares: the {@code --dry-run}, {@code --force} and {@code --wait}
 * flags, printing the diff a change made (or would make), and waiting until the fleet applied it.
 */
package dev.weir.cli.change;
