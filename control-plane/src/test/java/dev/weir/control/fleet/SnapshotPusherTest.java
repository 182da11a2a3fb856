package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.ConfigSnapshot;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapshotPusherTest {
  private final FakeServerStream stream = new FakeServerStream();
  private final AtomicInteger stamps = new AtomicInteger();
  private final SnapshotPusher pusher = new SnapshotPusher(stream,
      s -> s.toBuilder().setNonce("n" + stamps.incrementAndGet()).build());

  @Test
  void aReadyStreamGetsEachSnapshotAtOnceWithItsStamp() {
    pusher.offer(version(1));
    pusher.offer(version(2));

    assertThat(stream.sent).extracting(m -> m.getSnapshot().getVersion()).containsExactly(1L, 2L);
    assertThat(stream.sent).extracting(m -> m.getSnapshot().getNonce())
        .containsExactly("n1", "n2");
  }

  @Test
  void whileTheStreamIsNotReadyOnlyTheNewestSnapshotWaitsAndGoesWhenItIs() {
    stream.ready = false;

    pusher.offer(version(1));
    pusher.offer(version(2));
    pusher.offer(version(3));
    assertThat(stream.sent).isEmpty();

    stream.becomeReady();

    assertThat(stream.sent).extracting(m -> m.getSnapshot().getVersion()).containsExactly(3L);
    assertThat(stamps).hasValue(1);
  }

  @Test
  void aSnapshotNoNewerThanOneAlreadyOfferedIsDropped() {
    pusher.offer(version(2));
    pusher.offer(version(1));
    pusher.offer(version(2));

    assertThat(stream.sent).hasSize(1);
  }

  @Test
  void anOfferMadeDuringASendIsSentByTheSendingThreadAfterwards() {
    stream.duringSend = () -> pusher.offer(version(2));

    pusher.offer(version(1));

    assertThat(stream.sent).extracting(m -> m.getSnapshot().getVersion()).containsExactly(1L, 2L);
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

  private static ConfigSnapshot version(long version) {
    return ConfigSnapshot.newBuilder().setVersion(version).build();
  }
}
