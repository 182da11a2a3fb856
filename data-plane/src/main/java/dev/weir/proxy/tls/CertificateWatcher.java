package dev.weir.proxy.tls;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the files of every terminating pool every {@link #PERIOD} and reloads those that changed
 * ({@link ServerTls#refresh}). Polling, not a WatchService: Kubernetes updates a mounted secret by
 * swapping a symbolic link over the directory, which inotify on the file never sees.
 */
public final class CertificateWatcher implements AutoCloseable {

  public static final Duration PERIOD = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

  private final ScheduledExecutorService scheduler;
  private volatile List<ServerTls> watched = List.of();
  private ScheduledFuture<?> task;

  /**
   * @param scheduler runs the checks; the tests' runs them when told
   */
  public CertificateWatcher(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Watches these pools' files from now on, and no others. */
  public synchronized void watch(List<ServerTls> pools) {
    watched = List.copyOf(pools);
    if (task == null && !pools.isEmpty()) {
      task =
          scheduler.scheduleWithFixedDelay(
              this::refreshAll, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Reloads each watched pool whose files changed. */
  public void refreshAll() {
    for (ServerTls tls : watched) {
      try {
        tls.refresh();
      } catch (RuntimeException e) {
        log.error("pool {}: checking its TLS files failed", tls.pool(), e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    watched = List.of();
  }
}
