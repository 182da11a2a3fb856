/**
 * {@code weirctl history}, {@code diff} and {@code rollback}: the revisions the control plane keeps
 * of every accepted change, what changed between any two, and making an earlier one current.
 */
package dev.weir.cli.history;
