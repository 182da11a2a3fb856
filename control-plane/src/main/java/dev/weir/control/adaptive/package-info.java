/**
 * Adaptive weights: per pool that enables them, effective weights the control plane derives from
 * what the fleet reports (connect latency, failures, load) and stores in the config as new
 * revisions, for the proxies to balance by.
 */
package dev.weir.control.adaptive;
