package dev.weir.control.ha;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.EtcdConfigStore;
import dev.weir.control.store.FileConfigStore;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration in etcd, shared by every control plane pointed at the same endpoints and
 * prefix: an {@link EtcdConfigStore}, an {@link EtcdConfigFollower} that adopts commits made
 * through other replicas, and an {@link EtcdLeaderElection} whose leader compacts the history.
 *
 * <p>Opening reads the config once, so a control plane that cannot reach etcd fails to start after
 * one bounded wait instead of serving an empty configuration.
 */
final class EtcdStoreBackend implements StoreBackend {
  private static final Logger log = LoggerFactory.getLogger(EtcdStoreBackend.class);

  private final Client client;
  private final EtcdConfigStore store;
  private final EtcdConfigStore.Loaded loaded;
  private final EtcdLeaderElection election;
  private final EtcdMembership membership;
  private final Settings settings;
  private final ScheduledExecutorService duties;

  @GuardedBy("this")
  private EtcdConfigFollower follower;

  @GuardedBy("this")
  private boolean closed;

  private EtcdStoreBackend(
      Client client, EtcdConfigStore store, EtcdConfigStore.Loaded loaded, Settings settings) {
    this.client = client;
    this.store = store;
    this.loaded = loaded;
    this.settings = settings;
    this.election =
        new EtcdLeaderElection(
            client, settings.prefix() + "leader", candidateName(), settings.leaseTtl());
    this.membership =
        new EtcdMembership(
            client, settings.prefix() + "replicas/", settings.leaseTtl(), settings.timeout());
    this.duties =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-etcd-leader-duties");
              t.setDaemon(true);
              return t;
            });
  }

  /** The defaults for a control plane: 5 s per call, a 5 s lease, compaction every minute. */
  static Settings settings(List<URI> endpoints, String prefix, EtcdTls tls) {
    return new Settings(
        endpoints,
        prefix,
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Duration.ofMinutes(1),
        FileConfigStore.DEFAULT_MAX_REVISIONS,
        tls);
  }

  /** Opens the store with non-default settings; for tests. */
  static StoreSpec spec(Settings settings) {
    return dataDir -> open(settings);
  }

  static StoreBackend open(Settings settings) throws IOException {
    ClientBuilder builder =
        Client.builder()
            .endpoints(settings.endpoints().toArray(URI[]::new))
            .connectTimeout(settings.timeout());
    if (settings.tls() != null) {
      builder.sslContext(settings.tls().context());
    }
    Client client = builder.build();
    try {
      EtcdConfigStore store =
          new EtcdConfigStore(
              client,
              settings.describeEndpoints(),
              settings.prefix(),
              settings.maxRevisions(),
              settings.timeout());
      EtcdConfigStore.Loaded loaded;
      try {
        loaded = store.loadAt();
      } catch (IOException e) {
        throw withTlsReason(e, settings);
      }
      return new EtcdStoreBackend(client, store, loaded, settings);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** {@code e}, or when TLS to etcd is what failed, {@code e} saying why. */
  private static IOException withTlsReason(IOException e, Settings settings) {
    if (settings.tls() == null) {
      return e;
    }
    URI endpoint = settings.endpoints().get(0);
    String why = settings.tls().whyNoSession(endpoint, settings.timeout());
    return why == null
        ? e
        : new IOException(e.getMessage() + "; TLS with " + endpoint + " fails: " + why, e);
  }

  @Override
  public ConfigStore store() {
    return store;
  }

  @Override
  public String location() {
    return settings.tls() == null
        ? store.location()
        : store.location() + " over TLS (" + settings.tls() + ")";
  }

  @Override
  public Leadership leadership() {
    return election;
  }

  @Override
  public Membership membership() {
    return membership;
  }

  @Override
  public synchronized void start(PoolRegistry pools) {
    if (closed || follower != null) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    follower = new EtcdConfigFollower(client, store, pools).start(loaded.etcdRevision());
    election.start();
    long every = settings.compactEvery().toMillis();
    duties.scheduleWithFixedDelay(this::compact, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    EtcdConfigFollower following;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      following = follower;
    }
    duties.shutdownNow();
    if (following != null) {
      following.close();
    }
    membership.close();
    election.close();
    client.close();
  }

  private void compact() {
    if (!election.isLeader()) {
      return;
    }
    try {
      store.compactHistory();
    } catch (IOException | RuntimeException e) {
      log.warn("could not compact the history in {}: {}", store.location(), e.getMessage());
    }
  }

  private static String candidateName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return "weir-control pid " + ProcessHandle.current().pid() + " on " + host;
  }

  /**
   * How to reach etcd and how to use it.
   *
   * @param timeout the deadline of each etcd call, and of reaching etcd at startup
   * @param leaseTtl how long a dead leader's leadership lasts
   * @param compactEvery how often the leader compacts the history
   * @param maxRevisions how many revisions the history keeps
   * @param tls for {@code https://} endpoints; null for plaintext
   */
  record Settings(
      List<URI> endpoints,
      String prefix,
      Duration timeout,
      Duration leaseTtl,
      Duration compactEvery,
      int maxRevisions,
      EtcdTls tls) {
    Settings {
      endpoints = List.copyOf(endpoints);
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("at least one etcd endpoint is needed");
      }
    }

    /** Plaintext. */
    Settings(
        List<URI> endpoints,
        String prefix,
        Duration timeout,
        Duration leaseTtl,
        Duration compactEvery,
        int maxRevisions) {
      this(endpoints, prefix, timeout, leaseTtl, compactEvery, maxRevisions, null);
    }

    String describeEndpoints() {
      return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }
  }
}
