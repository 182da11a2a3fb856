package dev.weir.control.pool;

import dev.weir.api.v1.ConfigSnapshot;

/**
 * What {@link PoolRegistry#apply(Mutation, ChangeIntent)} did.
 *
 * @param config the new config; the current one if nothing changed; for a dry run, the pools the
 *     change would produce stamped with the current version (never stored or sent anywhere)
 * @param diff one line per change (see {@link ConfigDiff}); empty when nothing changed
 * @param dryRun whether this was a dry run
 */
public record ChangeOutcome(ConfigSnapshot config, String diff, boolean dryRun) {}
