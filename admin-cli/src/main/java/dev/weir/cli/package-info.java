/**
 * weirctl's entry point: the top-level command and its global options, and how failures become one
 * line on stderr and an exit code.
 */
package dev.weir.cli;
