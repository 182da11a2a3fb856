package dev.weir.proxy.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class RepeatedRefusalsTest {
  private static final Status TAKEN =
      Status.ALREADY_EXISTS.withDescription(
          "proxy id web-1 is already connected from 10.0.0.1:4242; this stream comes from "
              + "10.0.0.2:5151; give each proxy its own --id");

  private final RepeatedRefusals refusals = new RepeatedRefusals();

  @Test
  void theSameRefusalIsNewOnlyTheFirstTime() {
    assertThat(refusals.isNew(TAKEN)).isTrue();
    assertThat(refusals.isNew(TAKEN)).isFalse();
    assertThat(refusals.isNew(TAKEN)).isFalse();
  }

  @Test
  void aDifferentRefusalIsNewAgain() {
    refusals.isNew(TAKEN);

    assertThat(
            refusals.isNew(
                Status.ALREADY_EXISTS.withDescription(
                    "proxy id web-1 is already "
                        + "connected from 10.0.0.3:4242; this stream comes from 10.0.0.2:5151; give each proxy "
                        + "its own --id")))
        .isTrue();
  }

  @Test
  void aRefusalAfterAnEstablishedStreamIsNewAgain() {
    refusals.isNew(TAKEN);

    refusals.reset();

    assertThat(refusals.isNew(TAKEN)).isTrue();
  }

  @Test
  void anIdTakenByAnotherHostIsARefusalButAnUnreachableControlPlaneIsNot() {
    assertThat(RepeatedRefusals.isRefusal(TAKEN)).isTrue();
    assertThat(RepeatedRefusals.isRefusal(Status.UNAVAILABLE)).isFalse();
  }
}
