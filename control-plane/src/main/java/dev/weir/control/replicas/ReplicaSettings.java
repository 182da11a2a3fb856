package dev.weir.control.replicas;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * How a replica is known to the others and calls them.
 *
 * @param id its name in answers; null: its address
 * @param address where the others reach it ("host:port"); null: {@code listenHost} and the port the
 *     proxy API is bound to
 * @param listenHost the host the proxy API listens on
 * @param credentials for calling the other replicas
 */
public record ReplicaSettings(
    String id, String address, String listenHost, ChannelCredentials credentials) {
  public ReplicaSettings {
    Objects.requireNonNull(listenHost);
    Objects.requireNonNull(credentials);
  }

  /** Plaintext, named by address: a local demo or a test. */
  public static ReplicaSettings plaintext(String listenHost) {
    return new ReplicaSettings(null, null, listenHost, InsecureChannelCredentials.create());
  }

  /** The address the others reach this replica at, given the proxy API's bound port. */
  public String addressFor(int port) {
    if (address != null) {
      return address;
    }
    String host = listenHost;
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "localhost";
      }
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return host + ":" + port;
  }

  /** This replica's id, given its address. */
  public String idFor(String resolvedAddress) {
    return id != null ? id : resolvedAddress;
  }
}
