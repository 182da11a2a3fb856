package dev.weir.control.security;

import io.grpc.Context;
import java.util.List;

/**
 * An authenticated caller: the name its auth-file entry gives it, its role, and how it proved it
 * ({@code token} or {@code cert}).
 *
 * @param certificateNames the verified client certificate's CN and DNS names; empty for a token
 */
public record Caller(String name, Role role, String credential, List<String> certificateNames) {

  public Caller {
    certificateNames = List.copyOf(certificateNames);
  }

  Caller(String name, Role role, String credential) {
    this(name, role, credential, List.of());
  }

  /** The same caller, known by the certificate it presented this time. */
  Caller presenting(List<String> names) {
    return new Caller(name, role, credential, names);
  }

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
