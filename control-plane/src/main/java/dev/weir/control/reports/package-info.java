/**
 * What the connected proxies last reported, kept per proxy, and the per-backend rates (new
 * connections and connect failures per second) that follow from consecutive reports.
 */
package dev.weir.control.reports;
