package dev.weir.control.testing;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.control.ControlPlane;
import dev.weir.control.EmbeddedStoreBackend;
import dev.weir.control.ha.StoreSpec;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ServerTransportFilter;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A whole control plane on an in-process transport, with a channel to it and a test clock. */
public final class InProcessControlPlane implements AutoCloseable {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final ControlPlane plane;
  private final ManagedChannel channel;
  private final String name;
  // The remote address the next in-process transport gets, so tests can tell hosts apart.
  private volatile InetSocketAddress nextPeer;
  private final List<ManagedChannel> peerChannels = new CopyOnWriteArrayList<>();

  public InProcessControlPlane(Path dataDir) throws IOException {
    this(dataDir, EmbeddedStoreBackend.spec());
  }

  /** A control plane keeping its configuration in {@code store}. */
  public InProcessControlPlane(Path dataDir, StoreSpec store) throws IOException {
    name = InProcessServerBuilder.generateName();
    plane =
        new ControlPlane(
                dataDir,
                InProcessServerBuilder.forName(name)
                    .directExecutor()
                    .addTransportFilter(new PeerFilter()),
                clock)
            .storage(store)
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  /** The control plane itself. */
  public ControlPlane plane() {
    return plane;
  }

  public MutableClock clock() {
    return clock;
  }

  /** The channel to the control plane, for stubs the other methods do not offer. */
  public ManagedChannel channel() {
    return channel;
  }

  /** A stub with a fresh deadline; take a new one per call. */
  public AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public ListPoolsResponse listPools() {
    return admin().listPools(ListPoolsRequest.getDefaultInstance());
  }

  /** Opens a proxy stream; call {@link TestProxy#hello} on it. */
  public TestProxy connectProxy() {
    return new TestProxy(channel);
  }

  /**
   * Opens a proxy stream over a transport of its own that the control plane sees as coming from
   * {@code host}:{@code port}.
   */
  public TestProxy connectProxyFrom(String host, int port) {
    ManagedChannel own = InProcessChannelBuilder.forName(name).directExecutor().build();
    peerChannels.add(own);
    nextPeer = new InetSocketAddress(host, port);
    return new TestProxy(own);
  }

  /** Stops the control plane first, so open proxy streams see its shutdown. Idempotent. */
  @Override
  public void close() throws InterruptedException {
    plane.close();
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    for (ManagedChannel own : peerChannels) {
      own.shutdownNow();
    }
  }

  private final class PeerFilter extends ServerTransportFilter {
    @Override
    public Attributes transportReady(Attributes attributes) {
      InetSocketAddress peer = nextPeer;
      nextPeer = null;
      return peer == null
          ? attributes
          : attributes.toBuilder().set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, peer).build();
    }
  }
}
