/**
 * {@code weirctl backend}: adding, removing, re-weighting, draining and undraining one backend of a
 * pool.
 */
package dev.weir.cli.backend;
