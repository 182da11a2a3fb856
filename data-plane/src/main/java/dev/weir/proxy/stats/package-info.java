/** Per-backend counters kept by the relay and read by the stats reporter. */
package dev.weir.proxy.stats;
