/**
 * How command results are printed: aligned tables and short confirmations for people, and proto3
 * JSON of the response message as the stable interface for scripts.
 */
package dev.weir.cli.output;
