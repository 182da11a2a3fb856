/**
 * Durable storage of the configuration and its history: the {@link
 * dev.weir.control.store.ConfigStore} contract (compare-and-swap commits on the version), its
 * data-dir implementation (a state file plus an append-only revision log) and its etcd one, shared
 * by several control planes ({@link dev.weir.control.store.EtcdConfigStore}).
 */
package dev.weir.control.store;
