package dev.weir.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps grpc (and the netty inside it) from logging to stderr through java.util.logging: a failed
 * call is reported once, by {@link FailureHandler}, and everything else is noise here.
 */
final class GrpcLogging {

  // java.util.logging holds loggers weakly; without this reference the level could be lost.
  private static final Logger GRPC = Logger.getLogger("io.grpc");

  private GrpcLogging() {}

  static void silence() {
    GRPC.setLevel(Level.OFF);
  }
}
