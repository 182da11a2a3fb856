package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.PoolSettings;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Status;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Requests and checks the tests of pools sharing a listen port have in common. */
final class PoolRequests {

  private PoolRequests() {}

  /** A CreatePool request; {@code settings} null for none. */
  static CreatePoolRequest create(String name, String listen, PoolSettings settings) {
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder().setName(name).setListen(listen);
    if (settings != null) {
      request.setSettings(settings);
    }
    return request.build();
  }

  /**
   * {@code call} is refused with {@code code}, its description naming all of {@code fragments}, and
   * the exported configuration is byte for byte what it was.
   */
  static void assertRefusedChangingNothing(
      InProcessControlPlane control, ThrowingCallable call, Status.Code code, String... fragments) {
    ByteString before =
        control.admin().exportConfig(ExportConfigRequest.getDefaultInstance()).toByteString();

    assertThatThrownBy(call)
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(code);
              assertThat(status.getDescription()).contains(fragments);
            });
    assertThat(
            control.admin().exportConfig(ExportConfigRequest.getDefaultInstance()).toByteString())
        .as("nothing changed")
        .isEqualTo(before);
  }
}
