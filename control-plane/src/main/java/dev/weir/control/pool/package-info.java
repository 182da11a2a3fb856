/**
 * The pools: validation of every field, the mutations the admin API offers, the guards a change
 * must respect, the diff it makes, and the registry that applies changes one at a time as new,
 * recorded config versions (or, for a dry run, only computes them).
 */
package dev.weir.control.pool;
