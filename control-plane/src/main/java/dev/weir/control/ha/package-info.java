/**
 * Several control planes sharing one configuration in etcd: the shared store ({@link
 * dev.weir.control.ha.StoreSpec#etcd}, reached over {@link dev.weir.control.ha.EtcdTls}), how a
 * replica follows commits made through the others ({@link dev.weir.control.ha.EtcdConfigFollower}),
 * how the replicas find each other ({@link dev.weir.control.ha.Membership}), and which replica runs
 * the duties that must have a single writer ({@link dev.weir.control.ha.Leadership}, {@link
 * dev.weir.control.ha.EtcdLeaderElection}). The data dir of a control plane on its own is not here:
 * see {@code EmbeddedStoreBackend}.
 */
package dev.weir.control.ha;
