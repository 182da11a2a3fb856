package dev.weir.control.testing;

import dev.weir.api.v1.DrainEvent;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.HealthEvent;
import dev.weir.control.events.FleetEventSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps every event, for tests to look at. */
public final class RecordedEvents implements FleetEventSink {
  private final List<FleetEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void publish(FleetEvent event) {
    events.add(event);
  }

  public List<HealthEvent> health() {
    return events.stream().filter(FleetEvent::hasHealth).map(FleetEvent::getHealth).toList();
  }

  public List<DrainEvent> drains() {
    return events.stream().filter(FleetEvent::hasDrain).map(FleetEvent::getDrain).toList();
  }

  public void clear() {
    events.clear();
  }
}
