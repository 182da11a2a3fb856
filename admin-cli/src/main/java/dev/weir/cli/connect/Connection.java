package dev.weir.cli.connect;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceStub;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A channel to the control plane, closed with the connection only if this CLI opened it. */
public final class Connection implements AutoCloseable {

  // Long enough for an in-flight call to finish cleanly, short enough not to hold up the shell.
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final Channel channel;
  private final ManagedChannel owned;

  private Connection(Channel channel, ManagedChannel owned) {
    this.channel = channel;
    this.owned = owned;
  }

  /** Wraps a channel this connection closes. */
  public static Connection owning(ManagedChannel channel) {
    return new Connection(channel, channel);
  }

  /** Wraps a channel someone else closes, such as a test's in-process channel. */
  public static Connection borrowing(Channel channel) {
    return new Connection(channel, null);
  }

  /** This connection with {@code caller}'s identity on every call made through it. */
  public Connection identifiedAs(CallerIdentity caller) {
    return new Connection(ClientInterceptors.intercept(channel, caller), owned);
  }

  /** A stub whose every call fails with DEADLINE_EXCEEDED once {@code deadline} has passed. */
  public AdminServiceBlockingStub admin(Duration deadline) {
    return AdminServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** An async stub without a deadline, for streams that run until the caller cancels them. */
  public AdminServiceStub adminStreams() {
    return AdminServiceGrpc.newStub(channel);
  }

  /** Shuts the channel down and waits for it, so no grpc thread outlives the command. */
  @Override
  public void close() {
    if (owned == null) {
      return;
    }
    owned.shutdown();
    try {
      if (!owned.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        owned.shutdownNow().awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      owned.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
