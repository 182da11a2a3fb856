package dev.weir.proxy.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
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
  void aClosedConnectionGivesItsPlaceBack() {
    ConnectionBudget budget = new ConnectionBudget(1);
    EmbeddedChannel connection = new EmbeddedChannel();
    assertThat(budget.tryAcquire()).isTrue();
    budget.releaseOnClose(connection.closeFuture());
    assertThat(budget.tryAcquire()).isFalse();

    connection.close();

    assertThat(budget.active()).isZero();
    assertThat(budget.tryAcquire()).isTrue();
  }

  @Test
  void theDefaultLeavesTwoFileDescriptorsPerConnectionAfterAReserve() {
    assertThat(ConnectionBudget.defaultLimit(1_048_576)).isEqualTo((1_048_576 - 256) / 2);
    assertThat(ConnectionBudget.defaultLimit(1024)).isEqualTo(384);
    assertThat(ConnectionBudget.defaultLimit(100)).isEqualTo(1);
    assertThat(ConnectionBudget.defaultLimit(-1)).isEqualTo(ConnectionBudget.FALLBACK_LIMIT);
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new ConnectionBudget(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 1, got 0");
  }
}
