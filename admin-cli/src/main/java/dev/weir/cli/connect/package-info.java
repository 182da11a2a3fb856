/**
 * The connection to the control plane: building the channel, the stub every call goes through
 * (always with a deadline), and closing the channel when the command is done.
 */
package dev.weir.cli.connect;
