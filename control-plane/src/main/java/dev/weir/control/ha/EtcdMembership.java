package dev.weir.control.ha;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership through etcd: each replica keeps {@code PREFIX/replicas/ID} (its address) under a
 * lease of its own, kept alive, and watches the prefix. A replica that dies stops renewing, so its
 * key goes within the lease TTL; one that closes revokes the lease, so the others hear at once. The
 * cost in etcd is one key and one lease per replica, whatever the fleet does.
 *
 * <p>A key already held under another lease (two replicas given one id, or this replica's
 * predecessor whose lease has not expired yet) is not overwritten: registration waits for it to go,
 * with a warning. All state is confined to one thread.
 */
final class EtcdMembership implements Membership {
  private static final Logger log = LoggerFactory.getLogger(EtcdMembership.class);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Client client;
  private final String prefix;
  private final Duration ttl;
  private final Duration timeout;
  private final ScheduledExecutorService executor;

  // Confined to the executor.
  private String selfId;
  private String address;
  private Listener listener;
  private long lease;
  private CloseableClient keepAlive;
  private boolean warnedTaken;
  private final Map<String, String> known = new HashMap<>();
  private Watch.Watcher watcher;
  private long generation;
  private volatile boolean closed;

  EtcdMembership(Client client, String prefix, Duration ttl, Duration timeout) {
    this.client = client;
    this.prefix = prefix;
    this.ttl = ttl;
    this.timeout = timeout;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-etcd-members");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void join(String replicaId, String replicaAddress, Listener members) {
    executor.execute(
        () -> {
          selfId = replicaId;
          address = replicaAddress;
          listener = members;
          register();
          resync();
        });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.execute(
        () -> {
          stopWatching();
          endLease();
        });
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Callbacks from etcd's threads; after close there is nothing left to do with them.
  private void post(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closing) {
      // Closed.
    }
  }

  // ---- this replica's own key ----

  private void register() {
    if (closed) {
      return;
    }
    endLease();
    ByteSequence key = key(selfId);
    try {
      long granted =
          client
              .getLeaseClient()
              .grant(ttl.toSeconds())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .getID();
      lease = granted;
      TxnResponse put =
          client
              .getKVClient()
              .txn()
              .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
              .Then(Op.put(key, text(address), PutOption.builder().withLeaseId(granted).build()))
              .Else(Op.get(key, GetOption.DEFAULT))
              .commit()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!put.isSucceeded()) {
        KeyValue holder = put.getGetResponses().get(0).getKvs().get(0);
        if (!warnedTaken) {
          log.warn(
              "replica id {} is registered in etcd by another control plane (at {}, lease "
                  + "{}); waiting for it to go (another replica with this id? set --replica-id)",
              selfId,
              holder.getValue().toString(StandardCharsets.UTF_8),
              holder.getLease());
          warnedTaken = true;
        }
        revokeQuietly(granted);
        lease = 0;
        executor.schedule(this::register, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      if (warnedTaken) {
        log.info("replica id {} registered in etcd", selfId);
        warnedTaken = false;
      }
      keepAlive = client.getLeaseClient().keepAlive(granted, new Renewals(granted));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn(
          "cannot register this replica in etcd ({}); other replicas do not follow it "
              + "meanwhile; retrying in {} s",
          EtcdErrors.describe(e),
          RETRY.toSeconds());
      executor.schedule(this::register, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void leaseLost(long which) {
    if (closed || which != lease) {
      return;
    }
    log.warn("this replica's etcd lease ended; registering again");
    register();
  }

  private void endLease() {
    if (keepAlive != null) {
      keepAlive.close();
      keepAlive = null;
    }
    if (lease != 0) {
      revokeQuietly(lease);
      lease = 0;
    }
  }

  private void revokeQuietly(long which) {
    try {
      client.getLeaseClient().revoke(which).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // It ends with its TTL anyway.
      log.debug("could not revoke lease {}: {}", which, EtcdErrors.describe(e));
    }
  }

  private final class Renewals implements StreamObserver<LeaseKeepAliveResponse> {
    private final long lease;

    Renewals(long lease) {
      this.lease = lease;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      if (response.getTTL() <= 0) {
        post(() -> leaseLost(lease));
      }
    }

    @Override
    public void onError(Throwable t) {
      post(() -> leaseLost(lease));
    }

    @Override
    public void onCompleted() {
      post(() -> leaseLost(lease));
    }
  }

  // ---- the others ----

  private void resync() {
    if (closed) {
      return;
    }
    stopWatching();
    try {
      ByteSequence dir = text(prefix);
      GetResponse members =
          client
              .getKVClient()
              .get(dir, GetOption.builder().isPrefix(true).build())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<String, String> now = new HashMap<>();
      for (KeyValue kv : members.getKvs()) {
        now.put(idOf(kv), kv.getValue().toString(StandardCharsets.UTF_8));
      }
      for (String id : Map.copyOf(known).keySet()) {
        if (!now.containsKey(id)) {
          gone(id);
        }
      }
      now.forEach(this::put);
      long mine = ++generation;
      watcher =
          client
              .getWatchClient()
              .watch(
                  dir,
                  WatchOption.builder()
                      .isPrefix(true)
                      .withRevision(members.getHeader().getRevision() + 1)
                      .build(),
                  Watch.listener(
                      response -> post(() -> received(mine, response)),
                      error -> post(() -> failed(mine, error)),
                      () -> post(() -> failed(mine, null))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn(
          "cannot read the replicas from etcd ({}); retrying in {} s",
          EtcdErrors.describe(e),
          RETRY.toSeconds());
      executor.schedule(this::resync, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void received(long watch, WatchResponse response) {
    if (watch != generation || closed) {
      return;
    }
    for (WatchEvent event : response.getEvents()) {
      String id = idOf(event.getKeyValue());
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        put(id, event.getKeyValue().getValue().toString(StandardCharsets.UTF_8));
      } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
        gone(id);
      }
    }
  }

  private void failed(long watch, Throwable error) {
    if (watch != generation || closed) {
      return;
    }
    log.warn(
        "watching the replicas in etcd stopped ({}); reading them again",
        error != null ? EtcdErrors.describe(error) : "the stream ended");
    executor.schedule(this::resync, RETRY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void put(String id, String at) {
    if (!at.equals(known.put(id, at))) {
      try {
        listener.joined(id, at);
      } catch (RuntimeException e) {
        log.error("a replica joining could not be handled", e);
      }
    }
  }

  private void gone(String id) {
    if (known.remove(id) != null) {
      try {
        listener.left(id);
      } catch (RuntimeException e) {
        log.error("a replica leaving could not be handled", e);
      }
      if (id.equals(selfId) && !closed && lease == 0) {
        register();
      }
    }
  }

  private void stopWatching() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
      generation++;
    }
  }

  private String idOf(KeyValue kv) {
    return kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
  }

  private ByteSequence key(String id) {
    return text(prefix + id);
  }

  private static ByteSequence text(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
