package dev.weir.control.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.ListPoolsResponse;
import io.grpc.Status;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The admin API's promise for a refused change: the status, and nothing changed. */
public final class Rejections {
  private Rejections() {}

  /**
   * Asserts {@code call} fails with {@code code} and a description containing every fragment, and
   * that the pools and config version are exactly as before.
   */
  public static void assertRejected(
      InProcessControlPlane control, ThrowingCallable call, Status.Code code, String... fragments) {
    ListPoolsResponse before = control.listPools();

    assertThatThrownBy(call)
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(code);
              assertThat(status.getDescription()).contains(fragments);
            });

    assertThat(control.listPools()).isEqualTo(before);
  }
}
