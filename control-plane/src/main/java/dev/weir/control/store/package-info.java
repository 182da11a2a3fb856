/**
 * Durable storage of the configuration and its history: the
 * {@link dev.weir.control.store.ConfigStore} contract and its data-dir implementation (a state
 * file plus an append-only revision log).
 */
package dev.weir.control.store;
