package dev.weir.control.fleet;

import dev.weir.control.transport.PeerAddress;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/** Makes the caller's transport address visible to the service, which stubs do not expose. */
final class PeerAddressInterceptor implements ServerInterceptor {
  private static final Context.Key<String> PEER = Context.key("weir-peer-address");

  /** The current call's peer as "ip:port" ("[ip]:port" for IPv6), or "unknown". */
  static String currentPeer() {
    String peer = PEER.get();
    return peer != null ? peer : "unknown";
  }

  /**
   * Whether two peers, as {@link #currentPeer} gives them, are the same host: the same IP, whatever
   * the port, since a proxy that reconnects does so from a new ephemeral port. Unknown peers
   * (in-process calls) count as one host.
   */
  static boolean sameHost(String a, String b) {
    return host(a).equals(host(b));
  }

  private static String host(String peer) {
    int colon = peer.lastIndexOf(':');
    int bracket = peer.lastIndexOf(']');
    return colon > bracket && colon > 0 ? peer.substring(0, colon) : peer;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Context context = Context.current().withValue(PEER, PeerAddress.format(remote));
    return Contexts.interceptCall(context, call, headers, next);
  }
}
