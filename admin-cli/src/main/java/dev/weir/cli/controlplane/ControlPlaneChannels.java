package dev.weir.cli.controlplane;

import dev.weir.cli.args.HostPort;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/**
 * The one place that builds channels to the control plane: plaintext, or TLS as the {@link
 * ClientTls} the options give says. A bearer token is not the channel's business: the session adds
 * it to each call ({@link Connection#authenticatedWith}).
 */
public final class ControlPlaneChannels {

  private ControlPlaneChannels() {}

  /** A connector that opens a plaintext channel it owns, and so closes. */
  public static Connector plaintext(String userAgent) {
    return address ->
        Connection.owning(open(address, InsecureChannelCredentials.create(), userAgent));
  }

  /** A connector that opens a channel it owns, with TLS when the session's options ask. */
  public static Connector secured(String userAgent) {
    return new Connector() {
      @Override
      public Connection connect(HostPort address) {
        return connect(address, ClientTls.PLAINTEXT);
      }

      @Override
      public Connection connect(HostPort address, ClientTls tls) {
        return Connection.owning(open(address, tls.credentials(), userAgent));
      }
    };
  }

  private static ManagedChannel open(
      HostPort address, ChannelCredentials credentials, String userAgent) {
    return Grpc.newChannelBuilderForAddress(address.host(), address.port(), credentials)
        .userAgent(userAgent)
        .build();
  }
}
