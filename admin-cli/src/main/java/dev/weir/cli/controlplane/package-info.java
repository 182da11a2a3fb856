/**
 * How weirctl reaches the control plane: building the channel (plaintext or TLS), naming the caller
 * on every call, the stub every call goes through (always with a deadline), and closing the channel
 * when the command is done. (The proxies' client connections that {@code weirctl connections} lists
 * are {@code dev.weir.cli.connection}'s.)
 */
package dev.weir.cli.controlplane;
