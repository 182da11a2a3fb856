package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Hello;
import dev.weir.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApplyProgressTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<String> everywhere = new CopyOnWriteArrayList<>();
  private final ApplyProgress progress =
      new ApplyProgress(
          clock,
          new FleetListener() {
            @Override
            public void appliedEverywhere(long version, Duration pushLatency) {
              everywhere.add("v" + version + " in " + pushLatency.toMillis() + " ms");
            }
          });

  @Test
  void aVersionIsInForceEverywhereWhenTheLastConnectedProxyAppliesIt() {
    ProxyRecord a = connected("a", 1);
    ProxyRecord b = connected("b", 1);
    progress.accepted(2, clock.instant());

    clock.advance(Duration.ofMillis(10));
    progress.applied(a, 2);
    assertThat(progress.inForceEverywhere(2)).isFalse();
    clock.advance(Duration.ofMillis(30));
    progress.applied(b, 2);

    assertThat(progress.inForceEverywhere(2)).isTrue();
    assertThat(progress.everywhereAt(2)).isEqualTo(clock.instant());
    assertThat(everywhere).containsExactly("v2 in 40 ms");
  }

  @Test
  void versionsSkippedByCoalescingCompleteWithTheNewerOneEachFromItsOwnAcceptance() {
    ProxyRecord a = connected("a", 1);
    progress.accepted(2, clock.instant());
    clock.advance(Duration.ofMillis(5));
    progress.accepted(3, clock.instant());
    clock.advance(Duration.ofMillis(20));

    progress.applied(a, 3);

    assertThat(everywhere).containsExactly("v2 in 25 ms", "v3 in 20 ms");
  }

  @Test
  void aProxyThatDisconnectsNoLongerHoldsAVersionBack() {
    ProxyRecord a = connected("a", 1);
    ProxyRecord laggard = connected("b", 1);
    progress.accepted(2, clock.instant());
    progress.applied(a, 2);

    laggard.disconnect(clock.instant());
    progress.disconnected(laggard);

    assertThat(progress.inForceEverywhere(2)).isTrue();
    assertThat(everywhere).containsExactly("v2 in 0 ms");
  }

  @Test
  void withNoProxyConnectedAVersionIsInForceEverywhereButNoPushIsReported() {
    progress.accepted(1, clock.instant());

    assertThat(progress.inForceEverywhere(1)).isTrue();
    assertThat(everywhere).isEmpty();
  }

  @Test
  void whenTheLastProxyLeavesNoPushIsReported() {
    ProxyRecord only = connected("a", 1);
    progress.accepted(2, clock.instant());

    only.disconnect(clock.instant());
    progress.disconnected(only);

    assertThat(progress.inForceEverywhere(2)).isTrue();
    assertThat(everywhere).isEmpty();
  }

  @Test
  void aStreamThatEndedBeforeItWasCountedIsNeverCounted() {
    ProxyRecord replaced = record("a", 1);
    replaced.disconnect(clock.instant());
    progress.disconnected(replaced);

    progress.connected(replaced, 1);
    progress.accepted(2, clock.instant());

    assertThat(progress.inForceEverywhere(2)).as("nobody is connected").isTrue();
  }

  @Test
  void aWaiterRunsOnceWhenTheFleetGetsThereAndNeverAfterItIsCancelled() {
    ProxyRecord a = connected("a", 1);
    progress.accepted(2, clock.instant());
    progress.accepted(3, clock.instant());
    AtomicInteger forTwo = new AtomicInteger();
    AtomicInteger forThree = new AtomicInteger();
    progress.await(2, forTwo::incrementAndGet);
    Runnable cancelThree = progress.await(3, forThree::incrementAndGet);

    cancelThree.run();
    progress.applied(a, 3);
    progress.applied(a, 3);

    assertThat(forTwo).hasValue(1);
    assertThat(forThree).hasValue(0);
  }

  @Test
  void aWaiterForAVersionAlreadyEverywhereRunsAtOnce() {
    connected("a", 4);
    AtomicInteger ran = new AtomicInteger();

    progress.await(3, ran::incrementAndGet);

    assertThat(ran).hasValue(1);
  }

  private ProxyRecord connected(String id, long running) {
    ProxyRecord record = record(id, running);
    progress.connected(record, running);
    return record;
  }

  private ProxyRecord record(String id, long running) {
    return new ProxyRecord(
        null,
        Hello.newBuilder().setProxyId(id).setConfigVersion(running).build(),
        "127.0.0.1:1",
        clock.instant(),
        running,
        running);
  }
}
