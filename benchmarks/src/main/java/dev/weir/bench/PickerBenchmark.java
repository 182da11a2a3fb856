package dev.weir.bench;

import dev.weir.api.v1.Algorithm;
import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Pickers;
import dev.weir.proxy.balance.Upstream;
import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.stats.BackendCounters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pick per operation, as a new connection makes. Run with {@code -prof gc}: the goal for
 * gc.alloc.rate.norm is 0 bytes per pick.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PickerBenchmark {

  @Param({"ROUND_ROBIN", "WEIGHTED_ROUND_ROBIN", "LEAST_CONNECTIONS", "P2C", "MAGLEV"})
  public String algorithm;

  @Param({"10", "100"})
  public int backends;

  private Picker picker;
  private InetSocketAddress[] clients;
  private int next;

  @Setup
  public void build() throws UnknownHostException {
    List<Upstream> upstreams = new ArrayList<>(backends);
    for (int i = 0; i < backends; i++) {
      String address = "10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080";
      InetSocketAddress socket =
          new InetSocketAddress(
              InetAddress.getByAddress(new byte[] {10, 0, (byte) (i / 250), (byte) (i % 250 + 1)}),
              8080);
      BackendConfig config = new BackendConfig(address, socket, 1 + i % 5, false);
      BackendCounters counters = new BackendCounters("bench", address);
      for (int c = 0; c < i % 7; c++) {
        counters.tryAcquire(0); // some load, so least-connections and P2C have work to do
      }
      upstreams.add(new Upstream(config, counters));
    }
    picker = Pickers.create(Algorithm.valueOf(algorithm), upstreams, 65537);
    clients = new InetSocketAddress[1024];
    for (int i = 0; i < clients.length; i++) {
      clients[i] =
          new InetSocketAddress(
              InetAddress.getByAddress(
                  new byte[] {(byte) 192, (byte) 168, (byte) (i >> 8), (byte) i}),
              40000 + i);
    }
  }

  @Benchmark
  public Upstream pick() {
    InetSocketAddress client = clients[next++ & (clients.length - 1)];
    return picker.pick(client);
  }
}
