/**
 * How Weir writes the small values that cross a wire or a command line: proxy ids, {@code
 * host:port} and durations. Each has one grammar and one error text here, so that weirctl,
 * weir-control and weir-proxy accept the same inputs and say the same thing about the rest.
 */
package dev.weir.api.wire;
