package dev.weir.proxy.control;

import dev.weir.api.wire.HostPort;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The control-plane replicas a proxy may use, as the name resolver of its one gRPC channel: every
 * replica is an address group for pick_first, which connects to one and, when that connection
 * breaks, to the next that answers, so the control stream's reconnect lands on a live replica. Each
 * group carries its own {@code host:port} as authority, so TLS checks each replica's certificate
 * against the name it was given by. Host names are resolved when the channel asks: at start and
 * after a connection fails.
 */
public final class ControlPlaneAddresses extends NameResolverProvider {

  static final String SCHEME = "weir-control-plane";
  // Each proxy starts at a random replica, so a fleet spreads over them; after that a proxy
  // stays where it is until that replica goes away.
  private static final Map<String, ?> SHUFFLED_PICK_FIRST =
      Map.of(
          "loadBalancingConfig", List.of(Map.of("pick_first", Map.of("shuffleAddressList", true))));

  private final List<Replica> replicas;

  private ControlPlaneAddresses(List<Replica> replicas) {
    this.replicas = List.copyOf(replicas);
  }

  /**
   * Reads {@code HOST:PORT[,HOST:PORT...]}; an IPv6 host goes in brackets.
   *
   * @throws IllegalArgumentException naming the entry that is not HOST:PORT
   */
  public static ControlPlaneAddresses parse(String list) {
    List<Replica> replicas = new ArrayList<>();
    for (String entry : list.split(",", -1)) {
      String trimmed = entry.strip();
      HostPort parsed;
      try {
        parsed = HostPort.parseWithHost(trimmed);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'"
                + trimmed
                + "' is not HOST:PORT: "
                + e.getMessage()
                + " (replicas separated by commas)");
      }
      Replica replica = new Replica(parsed.host(), parsed.port(), trimmed);
      if (replicas.contains(replica)) {
        throw new IllegalArgumentException("'" + trimmed + "' is listed twice");
      }
      replicas.add(replica);
    }
    return new ControlPlaneAddresses(replicas);
  }

  /** The channel target that makes a channel built with this provider use it. */
  public String target() {
    return SCHEME + ":///control-plane";
  }

  /** The service config that has pick_first start at a random replica. */
  public Map<String, ?> serviceConfig() {
    return SHUFFLED_PICK_FIRST;
  }

  /** The replicas as given, for logs. */
  @Override
  public String toString() {
    return String.join(",", replicas.stream().map(Replica::text).toList());
  }

  @Override
  public NameResolver newNameResolver(URI target, NameResolver.Args args) {
    return SCHEME.equals(target.getScheme()) ? new Resolver(args) : null;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  // The host is in HostPort's normal form, so one replica written two ways is equal.
  private record Replica(String host, int port, String text) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Replica r && r.host.equals(host) && r.port == port;
    }

    @Override
    public int hashCode() {
      return host.hashCode() * 31 + port;
    }
  }

  private final class Resolver extends NameResolver {
    private final Args args;
    private Listener2 listener;
    // Touched only in the channel's synchronization context.
    private boolean resolving;
    private boolean shutdown;

    Resolver(Args args) {
      this.args = args;
    }

    @Override
    public String getServiceAuthority() {
      return replicas.get(0).text();
    }

    @Override
    public void start(Listener2 listener) {
      this.listener = listener;
      resolve();
    }

    @Override
    public void refresh() {
      resolve();
    }

    private void resolve() {
      if (resolving || shutdown) {
        return;
      }
      resolving = true;
      // DNS may block; never on the synchronization context.
      args.getOffloadExecutor()
          .execute(
              () -> {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                for (Replica replica : replicas) {
                  try {
                    List<SocketAddress> addresses = new ArrayList<>();
                    for (InetAddress address : InetAddress.getAllByName(replica.host())) {
                      addresses.add(new InetSocketAddress(address, replica.port()));
                    }
                    groups.add(
                        new EquivalentAddressGroup(
                            addresses,
                            Attributes.newBuilder()
                                .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, replica.text())
                                .build()));
                  } catch (UnknownHostException e) {
                    failures.add(replica.text() + ": unknown host");
                  }
                }
                args.getSynchronizationContext()
                    .execute(
                        () -> {
                          resolving = false;
                          if (shutdown) {
                            return;
                          }
                          if (groups.isEmpty()) {
                            listener.onError(
                                Status.UNAVAILABLE.withDescription(
                                    "no control plane address resolves: "
                                        + String.join("; ", failures)));
                          } else {
                            listener.onResult(
                                ResolutionResult.newBuilder().setAddresses(groups).build());
                          }
                        });
              });
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }
  }
}
