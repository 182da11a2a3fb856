/** {@code weirctl pool}: creating, listing, inspecting and deleting pools. */
package dev.weir.cli.pool;
