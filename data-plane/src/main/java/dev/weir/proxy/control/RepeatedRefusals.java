package dev.weir.proxy.control;

import io.grpc.Status;

/**
 * Tells a refusal the proxy has not logged yet from one it keeps getting. A control plane that
 * refuses this proxy (its id is connected from another host, say) refuses every retry the same way;
 * the operator needs the reason once per change, not once per backoff step.
 */
final class RepeatedRefusals {
  // The last refusal logged, as code and description; null after a stream was established.
  private String last;

  /** Whether {@code status} is a refusal other than the last one logged; remembers it if so. */
  synchronized boolean isNew(Status status) {
    String key = status.getCode() + ": " + status.getDescription();
    if (key.equals(last)) {
      return false;
    }
    last = key;
    return true;
  }

  /** A stream was established: the next refusal is news again. */
  synchronized void reset() {
    last = null;
  }

  /** Whether the control plane turned this proxy away, rather than being out of reach. */
  static boolean isRefusal(Status status) {
    return switch (status.getCode()) {
      case ALREADY_EXISTS, PERMISSION_DENIED, INVALID_ARGUMENT, FAILED_PRECONDITION -> true;
      default -> false;
    };
  }
}
