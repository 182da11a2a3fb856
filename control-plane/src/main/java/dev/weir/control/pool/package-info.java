/**
 * The pools: validation of every field, the mutations the admin API offers, and the registry that
 * applies them one at a time as new config versions.
 */
package dev.weir.control.pool;
