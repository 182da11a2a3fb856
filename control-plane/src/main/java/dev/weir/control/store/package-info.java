/**
 * Durable storage of the configuration: the {@link dev.weir.control.store.ConfigStore} contract
 * and its single-file implementation.
 */
package dev.weir.control.store;
