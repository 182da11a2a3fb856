package dev.weir.proxy.listen;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Numbers this proxy's client connections so operators can name one ("proxy-id/sequence").
 *
 * <p>The count starts at the proxy's start time in microseconds since the epoch and goes up by one
 * per accepted connection. A restarted proxy therefore starts above every number its previous run
 * handed out, unless that run accepted more than a million connections per second on average for
 * its whole life or the clock went back, so an id an operator copied from an earlier run never
 * names a new connection. One atomic increment per accepted connection; nothing per byte.
 */
final class ConnectionIds implements LongSupplier {

  private final AtomicLong next;

  ConnectionIds(Clock clock) {
    Instant now = clock.instant();
    next =
        new AtomicLong(
            Math.addExact(
                Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000));
  }

  /** The next connection's number. */
  @Override
  public long getAsLong() {
    return next.getAndIncrement();
  }
}
