/**
 * AdminService.Watch: the fleet's events, from the {@link dev.weir.control.events.FleetEventSink}
 * every part publishes to, to each watcher that follows them, through a bounded queue per watcher.
 */
package dev.weir.control.watch;
