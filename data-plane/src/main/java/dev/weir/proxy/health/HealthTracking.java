package dev.weir.proxy.health;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every pool's {@link PoolHealth} of one proxy shares: the prober, the clock, and one timer
 * thread that runs probe schedules, ejection ends and picker rebuilds. Rebuilds run there rather
 * than on an event loop because a large pool's picker can take milliseconds to build.
 */
public final class HealthTracking implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthTracking.class);

  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Ticker ticker;
  private final Prober prober;
  private final DoubleSupplier random;

  private HealthTracking(
      ScheduledExecutorService scheduler,
      boolean ownsScheduler,
      Ticker ticker,
      Prober prober,
      DoubleSupplier random) {
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.ticker = ticker;
    this.prober = prober;
    this.random = random;
  }

  /** Probes over {@code group} with {@code channelClass}, on a timer thread of its own. */
  public static HealthTracking start(EventLoopGroup group, Class<? extends Channel> channelClass) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-health");
              t.setDaemon(true);
              return t;
            });
    return new HealthTracking(
        scheduler,
        true,
        Ticker.SYSTEM,
        new NettyProber(group, channelClass),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** For tests: a scheduler and clock they drive, and probes they answer. */
  static HealthTracking using(
      ScheduledExecutorService scheduler, Ticker ticker, Prober prober, DoubleSupplier random) {
    return new HealthTracking(scheduler, false, ticker, prober, random);
  }

  /**
   * Health tracking for one pool; nothing happens until its first {@link PoolHealth#update}.
   *
   * @param rebuild rebuilds the pool's picker from {@link PoolHealth#select()}; runs on the timer
   *     thread
   */
  public PoolHealth forPool(String pool, Runnable rebuild) {
    return new PoolHealth(pool, scheduler, ticker, prober, random, rebuild);
  }

  /**
   * Stops the timer thread, if this owns it, and waits for a task under way to finish, so no probe
   * starts on event loops about to shut down. Close every pool's health first. Idempotent.
   */
  @Override
  public void close() {
    if (!ownsScheduler) {
      return;
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("health timer thread still busy after 5 s; leaving it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
