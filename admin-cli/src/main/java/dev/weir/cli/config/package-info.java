/**
 * {@code weirctl export} and {@code import}: the whole configuration as one JSON file, to move it
 * between control planes or stores, or to keep it under version control.
 */
package dev.weir.cli.config;
