/**
 * {@code weirctl completion bash|zsh}: the shell script, and the hidden {@code __complete} command
 * it runs at TAB time for what only the control plane knows, pool names and backend addresses.
 */
package dev.weir.cli.completion;
