package dev.weir.control.security;

import dev.weir.api.auth.BearerToken;
import dev.weir.control.transport.PeerAddress;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call and checks its role before any service sees it: the caller is the {@code
 * authorization: Bearer} token's entry in the auth file if the call carries one, else the verified
 * TLS client certificate's. Unknown callers get UNAUTHENTICATED, callers whose role may not call
 * the rpc PERMISSION_DENIED; both are logged at WARN with the rpc, the peer and what was presented,
 * never the token. The health service answers anyone.
 */
public final class AuthInterceptor implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(AuthInterceptor.class);

  private final AuthFile callers;

  public AuthInterceptor(AuthFile callers) {
    this.callers = callers;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (MethodRoles.isOpen(method)) {
      return next.startCall(call, headers);
    }
    String peer = PeerAddress.format(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    Caller caller;
    String authorization = headers.get(BearerToken.AUTHORIZATION);
    if (authorization != null) {
      String token = BearerToken.parseHeader(authorization);
      caller = token != null ? callers.byToken(token) : null;
      if (caller == null) {
        return refuse(
            call,
            Status.UNAUTHENTICATED,
            method,
            peer,
            token == null ? "authorization header is not 'Bearer TOKEN'" : "unknown bearer token");
      }
    } else {
      X509Certificate certificate =
          clientCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      if (certificate == null) {
        return refuse(
            call,
            Status.UNAUTHENTICATED,
            method,
            peer,
            "no credentials: present a client certificate or a bearer token");
      }
      caller = callers.byCertificate(certificate);
      if (caller == null) {
        return refuse(
            call,
            Status.UNAUTHENTICATED,
            method,
            peer,
            "client certificate " + AuthFile.namesOf(certificate) + " is not in the auth file");
      }
    }
    Set<Role> allowed = MethodRoles.allowed(method);
    if (!allowed.contains(caller.role())) {
      return refuse(
          call,
          Status.PERMISSION_DENIED,
          method,
          peer,
          "caller "
              + caller.name()
              + " has role "
              + caller.role().id()
              + "; "
              + method
              + " needs "
              + allowed.stream().map(Role::id).sorted().collect(Collectors.joining(" or ")));
    }
    Context context = Context.current().withValue(Caller.CONTEXT_KEY, caller);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static <ReqT, RespT> ServerCall.Listener<ReqT> refuse(
      ServerCall<ReqT, RespT> call, Status status, String method, String peer, String why) {
    log.warn("refused {} from {}: {}: {}", method, peer, status.getCode(), why);
    call.close(status.withDescription(why), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  // The leaf of the chain the TLS handshake verified against --tls-ca; null without one.
  private static X509Certificate clientCertificate(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
