package dev.weir.control.history;

import dev.weir.control.security.Caller;
import dev.weir.control.transport.PeerAddress;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Names the caller of each admin call, for the revisions it makes.
 *
 * <p>With authentication ({@code --auth-file}) the name is the authenticated caller's, with the
 * address and whatever the {@code weir-actor} header claims after it, e.g. {@code alice (admin,
 * cert) (127.0.0.1:53211, claims alice@laptop)}: the claim can say which person used a shared
 * credential, but it proves nothing. Without authentication only the claim is known (weirctl sends
 * {@code $USER@hostname}), followed by the address, e.g. {@code alice@laptop (127.0.0.1:53211)};
 * without the header, only the address.
 */
public final class ActorInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> ACTOR_HEADER =
      Metadata.Key.of("weir-actor", Metadata.ASCII_STRING_MARSHALLER);
  static final int MAX_CLAIM_LENGTH = 128;
  private static final Context.Key<String> ACTOR = Context.key("weir-actor");

  /** The current call's actor, or "unknown" outside a call this interceptor saw. */
  public static String currentActor() {
    String actor = ACTOR.get();
    return actor != null ? actor : "unknown";
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String peer = PeerAddress.format(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    String claim = clean(headers.get(ACTOR_HEADER));
    Caller caller = Caller.current();
    String actor;
    if (caller != null) {
      actor = caller + " (" + peer + (claim.isEmpty() ? "" : ", claims " + claim) + ")";
    } else {
      actor = claim.isEmpty() ? peer : claim + " (" + peer + ")";
    }
    return Contexts.interceptCall(Context.current().withValue(ACTOR, actor), call, headers, next);
  }

  /** The claim as printable ASCII, at most {@value #MAX_CLAIM_LENGTH} characters; "" if none. */
  static String clean(String claim) {
    if (claim == null) {
      return "";
    }
    StringBuilder cleaned = new StringBuilder();
    for (int i = 0; i < claim.length() && cleaned.length() < MAX_CLAIM_LENGTH; i++) {
      char c = claim.charAt(i);
      cleaned.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    return cleaned.toString().strip();
  }
}
