/**
 * Several control planes sharing one configuration: where it is stored ({@link
 * dev.weir.control.ha.StoreBackend}: the embedded data dir, or etcd), how a replica follows
 * commits made through the others ({@link dev.weir.control.ha.EtcdConfigFollower}), and which
 * replica runs the duties that must have a single writer ({@link dev.weir.control.ha.Leadership},
 * {@link dev.weir.control.ha.EtcdLeaderElection}).
 */
package dev.weir.control.ha;
