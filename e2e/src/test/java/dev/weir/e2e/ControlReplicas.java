package dev.weir.e2e;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.control.testing.EtcdServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real etcd and weir-control replicas that share it ({@code --store etcd}), each started through
 * bin/weir-control by a {@link Fleet}, which stops them. {@link #close()} stops etcd, so close the
 * fleet first.
 */
final class ControlReplicas implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");

  private final Fleet fleet;
  private final EtcdServer etcd;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private ControlReplicas(Fleet fleet, EtcdServer etcd) {
    this.fleet = fleet;
    this.etcd = etcd;
  }

  /** Starts etcd; replicas come with {@link #start(String, int)}. */
  static ControlReplicas on(Fleet fleet) throws IOException, InterruptedException {
    return new ControlReplicas(fleet, EtcdServer.start());
  }

  /**
   * Starts replica {@code name} with both APIs on 127.0.0.1:{@code port} (0: a free port) and waits
   * until it listens. Its replica address is left to its default, where it serves proxies.
   */
  Replica start(String name, int port) {
    RunningProgram program =
        fleet.launch(
            name,
            "weir-control",
            List.of(
                "--listen",
                "127.0.0.1:" + port,
                "--data-dir",
                fleet.dir().resolve(name).toString(),
                "--store",
                "etcd",
                "--etcd-endpoints",
                etcd.endpoint().toString()));
    int bound = Integer.parseInt(program.awaitLine(LISTENING, START_TIMEOUT));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", bound).usePlaintext().build();
    channels.add(channel);
    return new Replica(name, program, bound, channel);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    etcd.close();
  }

  /** One running weir-control replica. */
  record Replica(String name, RunningProgram program, int port, ManagedChannel channel) {

    /** Where proxies, weirctl and the other replicas reach it. */
    String address() {
      return "127.0.0.1:" + port;
    }

    /** How answers name it: without --replica-id, its replica address. */
    String id() {
      return address();
    }

    AdminServiceGrpc.AdminServiceBlockingStub admin() {
      return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
      return name + " (" + id() + ")";
    }
  }
}
