/**
 * {@code weirctl pool}: creating, listing, inspecting, changing and deleting pools, and the flags
 * for a pool's settings that {@code create} and {@code set} share.
 */
package dev.weir.cli.pool;
