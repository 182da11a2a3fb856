package dev.weir.bench.control;

import dev.weir.api.testing.SimulatedProxy;
import dev.weir.api.wire.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N simulated proxies, each with its own channel (one TCP connection, one HTTP/2 session) as real
 * proxies have, sharing a small event loop group. Given several control-plane replicas, proxy i
 * connects to replica i mod R, so each replica serves an even share. Lets the driver wait until
 * every proxy has applied a version and learn when the last one sent its ConfigApplied.
 */
final class SimulatedFleet implements AutoCloseable {
  private final List<SimulatedProxy> proxies = new ArrayList<>();
  // The channel of each proxy, by index.
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final EventLoopGroup loops = new NioEventLoopGroup(2);
  private final ScheduledExecutorService reporters =
      Executors.newScheduledThreadPool(
          1,
          r -> {
            Thread t = new Thread(r, "bench-reports");
            t.setDaemon(true);
            return t;
          });
  private final List<ScheduledFuture<?>> reporting = new ArrayList<>();
  private volatile Expectation expectation;

  SimulatedFleet(List<HostPort> controls, int size, ReportShape shape) {
    for (int i = 0; i < size; i++) {
      HostPort control = controls.get(i % controls.size());
      ManagedChannel channel =
          NettyChannelBuilder.forAddress(control.host(), control.port())
              .negotiationType(NegotiationType.PLAINTEXT)
              .eventLoopGroup(loops)
              .channelType(NioSocketChannel.class)
              .directExecutor()
              .build();
      channels.add(channel);
      proxies.add(
          new SimulatedProxy(
              String.format(Locale.ROOT, "sim-%04d", i),
              "bench",
              shape.reportedPools(),
              this::applied));
    }
  }

  int size() {
    return proxies.size();
  }

  /** Stats reports sent so far by every proxy together. */
  long reportsSent() {
    long sent = 0;
    for (SimulatedProxy proxy : proxies) {
      sent += proxy.reportsSent();
    }
    return sent;
  }

  /** How many proxies connect to replica {@code index} (from 0) of {@code replicas}. */
  int servedBy(int index, int replicas) {
    return proxies.size() / replicas + (index < proxies.size() % replicas ? 1 : 0);
  }

  /** Opens every stream and waits until every proxy applied {@code version} or newer. */
  void connectAndAwait(long version, Duration timeout) throws InterruptedException {
    Expectation first = expect(version);
    for (int i = 0; i < proxies.size(); i++) {
      proxies.get(i).connect(channels.get(i));
    }
    first.await(timeout);
  }

  /** Each proxy reports every {@code interval}, their timers spread over it as real ones are. */
  void startReporting(Duration interval) {
    long period = interval.toMillis();
    for (SimulatedProxy proxy : proxies) {
      reporting.add(
          reporters.scheduleAtFixedRate(
              proxy::report,
              ThreadLocalRandom.current().nextLong(period),
              period,
              TimeUnit.MILLISECONDS));
    }
  }

  /** Call before the change that makes {@code version}, so no apply can be missed. */
  Expectation expect(long version) {
    Expectation next = new Expectation(version, proxies.size());
    expectation = next;
    return next;
  }

  private void applied(SimulatedProxy proxy, long version, long sentAtNanos) {
    Expectation current = expectation;
    if (current != null && version >= current.version) {
      current.applied(proxy, sentAtNanos);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (ScheduledFuture<?> f : reporting) {
      f.cancel(false);
    }
    reporters.shutdownNow();
    for (SimulatedProxy proxy : proxies) {
      proxy.leave();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdown();
    }
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  /** Every proxy applying one version (or newer): when the last one sent ConfigApplied. */
  final class Expectation {
    private final long version;
    private final CountDownLatch remaining;
    private final Set<SimulatedProxy> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastSentAt = new AtomicLong(Long.MIN_VALUE);

    private Expectation(long version, int proxies) {
      this.version = version;
      this.remaining = new CountDownLatch(proxies);
    }

    long version() {
      return version;
    }

    private void applied(SimulatedProxy proxy, long sentAtNanos) {
      if (seen.add(proxy)) {
        lastSentAt.accumulateAndGet(sentAtNanos, Math::max);
        remaining.countDown();
      }
    }

    /** Returns the nanoTime at which the last proxy sent ConfigApplied. */
    long await(Duration timeout) throws InterruptedException {
      if (!remaining.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        StringBuilder why = new StringBuilder();
        for (SimulatedProxy proxy : proxies) {
          if (proxy.failure() != null && why.length() < 500) {
            why.append("; ").append(proxy.failure());
          }
        }
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "%d of %d proxies had not applied version %d after %s%s",
                remaining.getCount(),
                proxies.size(),
                version,
                timeout,
                why));
      }
      return lastSentAt.get();
    }
  }
}
