package dev.weir.cli.controlplane;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceStub;
import io.grpc.CallCredentials;
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

  private final CallCredentials credentials;

  private Connection(Channel channel, ManagedChannel owned) {
    this(channel, owned, null);
  }

  private Connection(Channel channel, ManagedChannel owned, CallCredentials credentials) {
    this.channel = channel;
    this.owned = owned;
    this.credentials = credentials;
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
    return new Connection(ClientInterceptors.intercept(channel, caller), owned, credentials);
  }

  /** This connection with {@code credentials} (a bearer token) on every call; null: none. */
  public Connection authenticatedWith(CallCredentials credentials) {
    return credentials == null ? this : new Connection(channel, owned, credentials);
  }

  /** A stub whose every call fails with DEADLINE_EXCEEDED once {@code deadline} has passed. */
  public AdminServiceBlockingStub admin(Duration deadline) {
    AdminServiceBlockingStub stub =
        AdminServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    return credentials != null ? stub.withCallCredentials(credentials) : stub;
  }

  /** An async stub without a deadline, for streams that run until the caller cancels them. */
  public AdminServiceStub adminStreams() {
    AdminServiceStub stub = AdminServiceGrpc.newStub(channel);
    return credentials != null ? stub.withCallCredentials(credentials) : stub;
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
