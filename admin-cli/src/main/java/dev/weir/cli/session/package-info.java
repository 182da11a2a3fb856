/**
 * One run of weirctl: the global options, the lazily opened connection to the control plane and the
 * output, handed to every command.
 */
package dev.weir.cli.session;
