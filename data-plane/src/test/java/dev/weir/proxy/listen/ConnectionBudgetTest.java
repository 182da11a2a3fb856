package dev.weir.proxy.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {

  @Test
  void refusesPastTheLimitCountingEachRefusal() {
    ConnectionBudget budget = new ConnectionBudget(2);

    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isFalse();
    assertThat(budget.tryAcquire()).isFalse();

    assertThat(budget.active()).isEqualTo(2);
    assertThat(budget.refused()).isEqualTo(2);
  }

  @Test
  void theDefaultLeavesTwoFileDescriptorsPerConnectionAfterAReserve() {
    long ampleHeap = 64L << 30;
    assertThat(ConnectionBudget.defaultLimit(1_048_576, ampleHeap))
        .isEqualTo((1_048_576 - 256) / 2);
    assertThat(ConnectionBudget.defaultLimit(1024, ampleHeap)).isEqualTo(384);
    assertThat(ConnectionBudget.defaultLimit(100, ampleHeap)).isEqualTo(1);
    assertThat(ConnectionBudget.defaultLimit(-1, ampleHeap))
        .isEqualTo(ConnectionBudget.FALLBACK_LIMIT);
  }

  @Test
  void onATransportThatAcceptsInBurstsTheDefaultKeepsRoomForOneBurst() {
    long ampleHeap = 64L << 30;
    // 40 open, 2 cores and loops: 256 kept back, and a backlog of 4,096 on top.
    assertThat(ConnectionBudget.defaultLimit(20_000, 40, 2, 2, 4096, ampleHeap))
        .isEqualTo((20_000 - 256 - 4096) / 2);
    assertThat(ConnectionBudget.defaultLimit(20_000, 40, 2, 2, 0, ampleHeap))
        .isEqualTo((20_000 - 256) / 2);
  }

  @Test
  void theDefaultKeepsBackWhatIsOpenAndWhatManyCoresWillOpen() {
    long ampleHeap = 64L << 30;
    // 120 open, 16 cores and loops: 120 + 6 * 16 + 16 * 16 + 64 = 536 kept back.
    assertThat(ConnectionBudget.defaultLimit(1024, 120, 16, 16, ampleHeap))
        .isEqualTo((1024 - 536) / 2);
    // With few cores the reserve is never below 256.
    assertThat(ConnectionBudget.defaultLimit(512, 40, 2, 2, ampleHeap)).isEqualTo(128);
    // Nothing left: one connection rather than none.
    assertThat(ConnectionBudget.defaultLimit(512, 300, 32, 32, ampleHeap)).isEqualTo(1);
  }

  @Test
  void theDefaultIsNoMoreThanTheHeapCanHold() {
    // The packaged service: -Xmx256m and 1,048,576 descriptors. 192 MiB at 4 KiB each.
    assertThat(ConnectionBudget.defaultLimit(1_048_576, 256L << 20)).isEqualTo(49_152);
    assertThat(ConnectionBudget.defaultLimit(-1, 256L << 20)).isEqualTo(49_152);
    // A heap no larger than the reserve still admits one connection rather than none.
    assertThat(ConnectionBudget.defaultLimit(1_048_576, 32L << 20)).isEqualTo(1);
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new ConnectionBudget(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 1, got 0");
  }
}
