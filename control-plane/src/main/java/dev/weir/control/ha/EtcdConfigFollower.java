package dev.weir.control.ha;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Revision;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.EtcdConfigStore;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes configs committed through other control planes current here: watches the config key and
 * hands each newer snapshot to {@link PoolRegistry#adopt}, which pushes it to this replica's
 * proxies. Its own commits come back through the watch too and are ignored as not newer.
 *
 * <p>If the watch fails (etcd compacted past it, or it cannot be kept open), the follower reads the
 * config afresh and watches again from there, retrying every {@link #RESYNC} while etcd is
 * unreachable; meanwhile proxies keep the config they have. Work runs on a thread of its own, not
 * on the etcd client's.
 */
public final class EtcdConfigFollower implements AutoCloseable {
  static final Duration RESYNC = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(EtcdConfigFollower.class);

  private final Client client;
  private final EtcdConfigStore store;
  private final PoolRegistry pools;
  private final ScheduledExecutorService executor;

  // Confined to the executor.
  private Watch.Watcher watcher;
  // Confined to the executor: bumped with each new watch, so a stale watch's events are dropped.
  private long generation;
  private volatile boolean closed;

  public EtcdConfigFollower(Client client, EtcdConfigStore store, PoolRegistry pools) {
    this.client = client;
    this.store = store;
    this.pools = pools;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-etcd-follower");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts watching for commits after etcd revision {@code etcdRevision} (when loaded). */
  public EtcdConfigFollower start(long etcdRevision) {
    executor.execute(() -> watchFrom(etcdRevision + 1));
    return this;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.execute(this::stopWatching);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watchFrom(long etcdRevision) {
    stopWatching();
    if (closed) {
      return;
    }
    long mine = ++generation;
    watcher =
        client
            .getWatchClient()
            .watch(
                store.configKey(),
                WatchOption.builder().withRevision(etcdRevision).build(),
                Watch.listener(
                    response -> executor.execute(() -> received(mine, response)),
                    error -> executor.execute(() -> failed(mine, error)),
                    () -> executor.execute(() -> failed(mine, null))));
  }

  private void received(long watch, WatchResponse response) {
    if (watch != generation || closed) {
      return;
    }
    for (WatchEvent event : response.getEvents()) {
      if (event.getEventType() != WatchEvent.EventType.PUT) {
        continue;
      }
      try {
        adopt(store.parseSnapshot(event.getKeyValue().getValue(), "config"));
      } catch (IOException e) {
        log.error("ignoring a config from etcd that does not parse: {}", e.getMessage());
      }
    }
  }

  private void failed(long watch, Throwable error) {
    if (watch != generation || closed) {
      return;
    }
    log.warn(
        "watching {} stopped ({}); reading the config again",
        store.location(),
        error != null ? error.getMessage() : "the stream ended");
    resync();
  }

  private void resync() {
    if (closed) {
      return;
    }
    try {
      EtcdConfigStore.Loaded loaded = store.loadAt();
      adopt(loaded.snapshot());
      watchFrom(loaded.etcdRevision() + 1);
      log.info(
          "following {} again from config version {}",
          store.location(),
          loaded.snapshot().getVersion());
    } catch (IOException e) {
      log.warn(
          "cannot follow the config in {} ({}); proxies keep the config they have; "
              + "retrying in {} s",
          store.location(),
          e.getMessage(),
          RESYNC.toSeconds());
      stopWatching();
      executor.schedule(this::resync, RESYNC.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void adopt(ConfigSnapshot snapshot) {
    if (snapshot.getVersion() <= pools.current().getVersion()) {
      return;
    }
    Revision revision = null;
    try {
      revision =
          store
              .revision(snapshot.getVersion())
              .map(r -> r.toBuilder().clearConfig().build())
              .orElse(null);
    } catch (IOException e) {
      // The config matters; the history event is only news.
      log.warn(
          "cannot read revision {} from {}: {}",
          snapshot.getVersion(),
          store.location(),
          e.getMessage());
    }
    pools.adopt(snapshot, revision);
  }

  private void stopWatching() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
      generation++;
    }
  }
}
