package dev.weir.control.drain;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.DrainBackendRequest;
import io.grpc.Status;
import java.time.Clock;

/**
 * The {@code deadline} of a DrainBackend request: how long the drain may take, turned into the
 * absolute time every proxy closes the backend's remaining connections at. An absolute time means a
 * proxy that learns of the drain late (say, after reconnecting) still ends it with the rest.
 */
public final class DrainDeadline {
  static final Duration MIN = Durations.fromSeconds(1);
  static final Duration MAX = Durations.fromHours(24);

  private DrainDeadline() {}

  /**
   * {@code now + request.deadline}, or null when the request has none.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming the field when it is not 1s..24h
   */
  public static Timestamp of(DrainBackendRequest request, Clock clock) {
    if (!request.hasDeadline()) {
      return null;
    }
    Duration deadline = request.getDeadline();
    if (!Durations.isValid(deadline)
        || Durations.compare(deadline, MIN) < 0
        || Durations.compare(deadline, MAX) > 0) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "deadline must be 1s..24h, got "
                  + (Durations.isValid(deadline)
                      ? Durations.toString(deadline)
                      : deadline.getSeconds() + "s " + deadline.getNanos() + "ns"))
          .asRuntimeException();
    }
    return Timestamps.add(Timestamps.fromMillis(clock.millis()), deadline);
  }
}
