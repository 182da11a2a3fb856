/**
 * Fleet-wide drains: the deadline a DrainBackend call sets, and each draining backend's progress
 * summed over the connected proxies until it is DRAINED.
 */
package dev.weir.control.drain;
