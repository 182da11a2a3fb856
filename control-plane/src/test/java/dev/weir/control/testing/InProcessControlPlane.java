package dev.weir.control.testing;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.control.ControlPlane;
import dev.weir.control.ha.StoreSpec;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** A whole control plane on an in-process transport, with a channel to it and a test clock. */
public final class InProcessControlPlane implements AutoCloseable {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final ControlPlane plane;
  private final ManagedChannel channel;

  public InProcessControlPlane(Path dataDir) throws IOException {
    this(dataDir, StoreSpec.embedded());
  }

  /** A control plane keeping its configuration in {@code store}. */
  public InProcessControlPlane(Path dataDir, StoreSpec store) throws IOException {
    String name = InProcessServerBuilder.generateName();
    plane = new ControlPlane(
        dataDir, InProcessServerBuilder.forName(name).directExecutor(), clock)
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

  /** Stops the control plane first, so open proxy streams see its shutdown. Idempotent. */
  @Override
  public void close() throws InterruptedException {
    plane.close();
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }
}
