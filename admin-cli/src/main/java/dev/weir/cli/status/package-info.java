/**
 * {@code weirctl status}, {@code watch} and {@code top}: the whole fleet on one screen, its events
 * as lines, and a live view that redraws when the fleet changes.
 */
package dev.weir.cli.status;
