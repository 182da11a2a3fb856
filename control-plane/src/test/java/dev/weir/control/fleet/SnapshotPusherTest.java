package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotPusherTest {
  // Long enough never to fire in tests that are not about it.
  private static final Duration NEVER = Duration.ofHours(1);

  private final FakeServerStream<ControlMessage> stream = new FakeServerStream<>();
  private final AtomicInteger stamps = new AtomicInteger();
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private SnapshotPusher pusher = pusher(NEVER);

  SnapshotPusherTest() {
    scheduler.setRemoveOnCancelPolicy(true);
  }

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  @Test
  void anIsolatedSnapshotGoesOutAtOnceWithItsStamp() {
    pusher.offer(version(1));

    assertThat(versionsSent()).containsExactly(1L);
    assertThat(stream.sent.get(0).getSnapshot().getNonce()).isEqualTo("n1");
  }

  @Test
  void eachAnsweredSnapshotLetsTheNextOneGoAtOnce() {
    pusher.offer(version(1));
    pusher.answered("n1");
    pusher.offer(version(2));
    pusher.answered("n2");
    pusher.offer(version(3));

    assertThat(versionsSent()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aBurstToAProxyThatHasNotAnsweredYetCostsTwoSendsTheLastBeingTheNewest() {
    for (int version = 1; version <= 100; version++) {
      pusher.offer(version(version));
    }
    assertThat(versionsSent()).as("only the first, until the proxy answers").containsExactly(1L);

    pusher.answered("n1");

    assertThat(versionsSent()).containsExactly(1L, 100L);
    assertThat(stamps).as("snapshots stamped: only the ones sent").hasValue(2);
  }

  @Test
  void aNackAnswersASendAsWellAsAnAck() {
    pusher.offer(version(1));
    pusher.offer(version(2));

    pusher.answered("n1");

    assertThat(versionsSent()).containsExactly(1L, 2L);
  }

  @Test
  void anAnswerToAnythingButTheSendInFlightReleasesNothing() {
    pusher.offer(version(1));
    pusher.offer(version(2));

    pusher.answered("forged");
    pusher.answered("n2");

    assertThat(versionsSent()).containsExactly(1L);
  }

  @Test
  void anUnansweredSendHoldsTheNextBackOnlyUntilTheAnswerTimeout() {
    pusher = pusher(Duration.ofMillis(50));
    pusher.offer(version(1));
    pusher.offer(version(2));

    await().atMost(Duration.ofSeconds(5)).until(() -> versionsSent().size() == 2);
    assertThat(versionsSent()).containsExactly(1L, 2L);
  }

  @Test
  void anAnswerCancelsTheAnswerTimeout() {
    pusher.offer(version(1));

    pusher.answered("n1");

    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.getQueue().isEmpty());
  }

  @Test
  void whileTheStreamIsNotReadyOnlyTheNewestSnapshotWaitsAndGoesWhenItIs() {
    stream.ready = false;

    pusher.offer(version(1));
    pusher.offer(version(2));
    pusher.offer(version(3));
    assertThat(stream.sent).isEmpty();

    stream.becomeReady();

    assertThat(versionsSent()).containsExactly(3L);
    assertThat(stamps).hasValue(1);
  }

  @Test
  void anAnsweredSnapshotWaitsForAStreamThatIsNotReady() {
    pusher.offer(version(1));
    pusher.offer(version(2));
    stream.ready = false;

    pusher.answered("n1");
    assertThat(versionsSent()).containsExactly(1L);

    stream.becomeReady();
    assertThat(versionsSent()).containsExactly(1L, 2L);
  }

  @Test
  void aSnapshotNoNewerThanOneAlreadyOfferedIsDropped() {
    pusher.offer(version(2));
    pusher.answered("n1");
    pusher.offer(version(1));
    pusher.offer(version(2));

    assertThat(stream.sent).hasSize(1);
  }

  @Test
  void anAnswerThatArrivesDuringItsOwnSendReleasesTheNextSnapshot() {
    // What a fast proxy on a direct executor does: it answers before onNext returns.
    stream.duringSend =
        () -> {
          pusher.offer(version(2));
          pusher.answered("n1");
        };

    pusher.offer(version(1));

    assertThat(versionsSent()).containsExactly(1L, 2L);
  }

  @Test
  void endingDuringASendClosesTheStreamOnceTheSendIsDone() {
    stream.duringSend = () -> pusher.end(Status.ABORTED);

    pusher.offer(version(1));

    assertThat(stream.sent).hasSize(1);
    assertThat(stream.closedWith.getCode()).isEqualTo(Status.Code.ABORTED);
  }

  @Test
  void endingDropsTheWaitingSnapshotAndIgnoresLaterOffersAndEnds() {
    stream.ready = false;
    pusher.offer(version(1));

    pusher.end(Status.UNAVAILABLE);
    pusher.end(Status.ABORTED);
    pusher.offer(version(2));
    stream.becomeReady();

    assertThat(stream.sent).isEmpty();
    assertThat(stream.closedWith.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void endingWhileASendIsUnansweredClosesTheStreamAtOnce() {
    pusher.offer(version(1));
    pusher.offer(version(2));

    pusher.end(Status.UNAVAILABLE);

    assertThat(versionsSent()).containsExactly(1L);
    assertThat(stream.closedWith.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void nothingIsSentAfterTheProxyCancels() {
    stream.ready = false;
    pusher.offer(version(1));

    stream.onCancel.run();
    stream.becomeReady();
    pusher.end(Status.UNAVAILABLE);

    assertThat(stream.sent).isEmpty();
    assertThat(stream.closedWith).isNull();
  }

  @Test
  void anOkEndCompletesTheStream() {
    pusher.end(Status.OK);

    assertThat(stream.closedWith).isEqualTo(Status.OK);
  }

  private SnapshotPusher pusher(Duration answerTimeout) {
    return new SnapshotPusher(
        stream,
        s -> s.toBuilder().setNonce("n" + stamps.incrementAndGet()).build(),
        scheduler,
        answerTimeout);
  }

  private List<Long> versionsSent() {
    synchronized (stream.sent) {
      return stream.sent.stream()
          .map(ControlMessage::getSnapshot)
          .map(ConfigSnapshot::getVersion)
          .toList();
    }
  }

  private static ConfigSnapshot version(long version) {
    return ConfigSnapshot.newBuilder().setVersion(version).build();
  }
}
