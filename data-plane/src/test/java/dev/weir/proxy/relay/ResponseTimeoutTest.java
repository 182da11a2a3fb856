package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.BackendStats;
import dev.weir.proxy.stats.BackendCounters;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResponseTimeoutTest {

  private static final long TIMEOUT_SECONDS = 5;

  private final BackendCounters counters = new BackendCounters("web", "10.0.0.1:80");
  private final List<String> outcomes = new ArrayList<>();
  private EmbeddedChannel client;
  private ResponseTimeout response;

  @BeforeEach
  void watch() {
    counters.healthTracker(
        new BackendCounters.HealthTracker() {
          @Override
          public void connected() {}

          @Override
          public void connectFailed() {}

          @Override
          public void responded() {
            outcomes.add("answered");
          }

          @Override
          public void unanswered() {
            outcomes.add("unanswered");
          }

          @Override
          public void report(BackendStats.Builder stats) {}
        });
    client = new EmbeddedChannel();
    client.freezeTime();
    response = new ResponseTimeout(client, TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS), counters);
  }

  @AfterEach
  void close() {
    client.finishAndReleaseAll();
  }

  @Test
  void aBackendSilentForTheTimeoutAfterTheClientsBytesLeavesTheConnectionUnansweredOnce() {
    response.clientSent();
    response.clientSent();

    advance(TIMEOUT_SECONDS - 1);
    assertThat(outcomes).isEmpty();
    advance(1);
    assertThat(outcomes).containsExactly("unanswered");

    response.backendSent();
    advance(TIMEOUT_SECONDS);
    assertThat(outcomes).as("a late answer changes nothing").containsExactly("unanswered");
    assertThat(client.isOpen()).as("the connection is the client's to close").isTrue();
    assertThat(counters.snapshot().getUnansweredConnections()).isEqualTo(1);
  }

  @Test
  void anAnswerWithinTheTimeoutCountsOnceAndStopsTheTimer() {
    response.clientSent();
    advance(TIMEOUT_SECONDS - 1);

    response.backendSent();
    response.backendSent();
    advance(TIMEOUT_SECONDS);

    assertThat(outcomes).containsExactly("answered");
  }

  @Test
  void aBackendThatSpeaksFirstHasAnsweredAndIsNotTimed() {
    response.backendSent();
    response.clientSent();
    advance(TIMEOUT_SECONDS * 2);

    assertThat(outcomes).containsExactly("answered");
  }

  @Test
  void withoutBytesFromTheClientTheBackendIsNotJudged() {
    advance(TIMEOUT_SECONDS * 2);

    assertThat(outcomes).isEmpty();
  }

  @Test
  void aConnectionThatEndsWhileWaitingIsNotJudged() {
    response.clientSent();
    response.cancel();
    advance(TIMEOUT_SECONDS * 2);
    response.backendSent();

    assertThat(outcomes).isEmpty();
  }

  private void advance(long seconds) {
    client.advanceTimeBy(seconds, TimeUnit.SECONDS);
    client.runScheduledPendingTasks();
  }
}
