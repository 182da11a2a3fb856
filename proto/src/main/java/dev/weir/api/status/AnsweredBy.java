package dev.weir.api.status;

import io.grpc.Metadata;

/**
 * The trailer weir-control puts on every call it answers, so a client can tell an error the control
 * plane sent (UNAVAILABLE because its store is down, say) from one its own transport made up (the
 * control plane could not be reached at all).
 */
public final class AnsweredBy {

  /** {@code weir-answered-by: weir-control}. */
  public static final Metadata.Key<String> KEY =
      Metadata.Key.of("weir-answered-by", Metadata.ASCII_STRING_MARSHALLER);

  public static final String CONTROL_PLANE = "weir-control";

  private AnsweredBy() {}

  /** Whether {@code trailers} (null for none) came from a control plane. */
  public static boolean controlPlane(Metadata trailers) {
    return trailers != null && CONTROL_PLANE.equals(trailers.get(KEY));
  }
}
