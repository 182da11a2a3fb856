/**
 * The fleet-wide view, wired: report history and rates, quorum health, drains and adaptive weights,
 * fed by the fleet and the pool registry and ticked by one scheduler thread.
 */
package dev.weir.control.view;
