package dev.weir.cli.connect;

import dev.weir.cli.args.HostPort;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/**
 * The one place that builds channels to the control plane. Plaintext for now; TLS becomes a
 * different {@link ChannelCredentials} chosen here, with no change to the commands.
 */
public final class ControlPlaneChannels {

  private ControlPlaneChannels() {}

  /** A connector that opens a plaintext channel it owns, and so closes. */
  public static Connector plaintext(String userAgent) {
    return address ->
        Connection.owning(open(address, InsecureChannelCredentials.create(), userAgent));
  }

  private static ManagedChannel open(
      HostPort address, ChannelCredentials credentials, String userAgent) {
    return Grpc.newChannelBuilderForAddress(address.host(), address.port(), credentials)
        .userAgent(userAgent)
        .build();
  }
}
