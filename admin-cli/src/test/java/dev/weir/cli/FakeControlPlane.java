package dev.weir.cli;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** An in-process server running a {@link FakeAdminService}, and a channel to it. */
public final class FakeControlPlane implements AutoCloseable {

  private final FakeAdminService service = new FakeAdminService();
  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  private final ManagedChannel channel;

  public FakeControlPlane() {
    try {
      server =
          InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  public FakeAdminService service() {
    return service;
  }

  /** The server's in-process name, for tests that build their own channel to it. */
  public String channelName() {
    return name;
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** A weirctl that talks to this control plane. */
  public CliRunner cli() {
    return new CliRunner(channel);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
