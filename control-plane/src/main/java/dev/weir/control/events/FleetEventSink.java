package dev.weir.control.events;

import dev.weir.api.v1.FleetEvent;

/**
 * Where the parts of the control plane report what happens. Publishing never blocks and never fails
 * the caller: a slow follower loses events (and is told how many), not the publisher's time.
 */
@FunctionalInterface
public interface FleetEventSink {

  /** Discards every event; for tests and tools that follow nothing. */
  FleetEventSink NONE = event -> {};

  void publish(FleetEvent event);
}
