package dev.weir.control.security;

import io.grpc.Context;

/**
 * An authenticated caller: the name its auth-file entry gives it, its role, and how it proved it
 * ({@code token} or {@code cert}).
 */
public record Caller(String name, Role role, String credential) {

  static final Context.Key<Caller> CONTEXT_KEY = Context.key("weir-caller");

  /** The caller of the current call; null without authentication or outside a call. */
  public static Caller current() {
    return CONTEXT_KEY.get();
  }

  /** For logs and revisions, e.g. {@code alice (admin, cert)}. */
  @Override
  public String toString() {
    return name + " (" + role.id() + ", " + credential + ")";
  }
}
