package dev.weir.proxy.testing;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.ProxyConfig;
import dev.weir.proxy.control.ReconnectBackoff;
import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.listen.Pools;
import dev.weir.proxy.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A proxy's listeners on two event loops of a real transport, as weir-proxy runs them. */
public final class LoopbackProxy implements AutoCloseable {

  private final EventLoopGroup group;
  private final Pools listeners;

  public LoopbackProxy(Transport transport) {
    this(transport, null, null);
  }

  /** With failed binds retried on {@code retryScheduler} (a fake one, in tests that drive it). */
  public LoopbackProxy(
      Transport transport, ScheduledExecutorService retryScheduler, ReconnectBackoff retryBackoff) {
    group = transport.newEventLoopGroup(2, "test-relay-" + transport.name());
    listeners =
        new Pools(
            group,
            transport,
            2,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            null,
            ConnectionBudget.unlimited(),
            retryScheduler,
            retryBackoff);
  }

  public Pools listeners() {
    return listeners;
  }

  /**
   * @return the pools not in force
   */
  public List<PoolApplyFailure> apply(ProxyConfig config) throws InvalidConfigException {
    return listeners.apply(config);
  }

  /** The counters of one backend of one pool. */
  public BackendStats stats(String pool, String address) {
    return listeners.backendStats().stream()
        .filter(s -> s.getPool().equals(pool) && s.getAddress().equals(address))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(pool + "/" + address));
  }

  @Override
  public void close() {
    try {
      listeners.close();
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }
}
