/**
 * Parsing of the values operators type: {@code HOST:PORT} addresses, weights, durations, counts,
 * percentages and byte sizes, and printing them back in the same form.
 *
 * <p>These checks only catch input that is plainly malformed, so the operator gets a message naming
 * the argument instead of a server error; what counts as a valid pool or backend is left to the
 * control plane, so the CLI and the API never disagree.
 */
package dev.weir.cli.args;
