/**
 * Which backends take new connections, beyond what the config says: active health checks (TCP or
 * HTTP probes with rise/fall), passive outlier ejection after consecutive connect failures, slow
 * start for backends that have just become eligible, and failing open when none is eligible. A
 * {@link dev.weir.proxy.health.PoolHealth} per pool decides; the pool's runtime builds its picker
 * from {@link dev.weir.proxy.health.PoolHealth#select()}.
 */
package dev.weir.proxy.health;
