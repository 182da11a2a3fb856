package dev.weir.cli.controlplane;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;

/**
 * Tells the control plane who is calling: {@code $USER@hostname} in the {@code weir-actor} header
 * of every call, which the control plane records (with the address the call came from) in the
 * revisions a change makes. It is a claim, not a credential: until the API authenticates callers,
 * it only says who the operator says they are.
 */
public final class CallerIdentity implements ClientInterceptor {

  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("weir-actor", Metadata.ASCII_STRING_MARSHALLER);

  private final String actor;

  public CallerIdentity(String actor) {
    this.actor = actor;
  }

  /**
   * {@code user@host} from {@code $USER} (or {@code $LOGNAME}, or the JVM's user name) and {@code
   * $HOSTNAME} (or the local host name), as printable ASCII.
   */
  public static String describe(UnaryOperator<String> environment) {
    String user =
        first(
            environment.apply("USER"),
            environment.apply("LOGNAME"),
            System.getProperty("user.name"),
            "unknown");
    String host = first(environment.apply("HOSTNAME"), localHostName(), "unknown-host");
    return ascii(user + "@" + host);
  }

  public String actor() {
    return actor;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        headers.put(HEADER, actor);
        super.start(listener, headers);
      }
    };
  }

  private static String first(String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate.strip();
      }
    }
    return "";
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  // Header values are ASCII; anything else would fail the call rather than just read oddly.
  private static String ascii(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    text.chars().forEach(c -> clean.append(c >= 0x20 && c <= 0x7e ? (char) c : '?'));
    return clean.toString();
  }
}
