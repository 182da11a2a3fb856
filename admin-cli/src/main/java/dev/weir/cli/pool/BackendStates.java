package dev.weir.cli.pool;

import dev.weir.api.v1.BackendState;

/** The CLI's names for backend states. */
final class BackendStates {

  private BackendStates() {}

  /** "active" or "draining"; "-" when unset, "unknown" for a state newer than this CLI. */
  static String name(BackendState state) {
    return switch (state) {
      case ACTIVE -> "active";
      case DRAINING -> "draining";
      case BACKEND_STATE_UNSPECIFIED -> "-";
      default -> "unknown";
    };
  }
}
