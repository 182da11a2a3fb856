package dev.weir.control.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Revision;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the configuration in etcd under a key prefix, so several control planes share it.
 *
 * <pre>
 *   PREFIX version              the committed version, in decimal (absent: version 0)
 *   PREFIX config               the committed ConfigSnapshot (protobuf, nonce cleared)
 *   PREFIX revisions/NNN…       each Revision without its config (20-digit zero-padded version)
 *   PREFIX configs/NNN…         the ConfigSnapshot that revision made
 * </pre>
 *
 * <p>A commit is one etcd transaction: if the version key still holds the expected version, put all
 * four keys; otherwise put nothing and read the version that won. Two control planes that start
 * from the same version can therefore never both commit. The small version key is what the
 * transaction compares, so no snapshot bytes are compared.
 *
 * <p>The history is bounded like the embedded store's: only the newest {@code maxRevisions} are
 * served, and {@link #compactHistory} (run by the leader, see {@code dev.weir.control.ha}) deletes
 * older ones. Every etcd call has a deadline; a call that cannot reach etcd fails with an
 * IOException naming the endpoints.
 */
public final class EtcdConfigStore implements ConfigStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdConfigStore.class);
  private static final String VERSION_FORMAT = "%020d";
  // Short, so that a commit and its resolution together stay within weirctl's default 10 s.
  private static final Duration MAX_RESOLVE_TIMEOUT = Duration.ofSeconds(2);

  private final Client client;
  private final String endpoints;
  private final String prefix;
  private final int maxRevisions;
  private final Duration timeout;
  // How long a commit whose answer was lost may take to be resolved, on top of its timeout.
  private final Duration resolveTimeout;
  private final ByteSequence versionKey;
  private final ByteSequence configKey;

  /**
   * A store using {@code client} (which the caller closes) under {@code prefix}.
   *
   * @param endpoints how the client's endpoints are named in error messages
   * @param timeout the deadline of each etcd call
   */
  public EtcdConfigStore(
      Client client, String endpoints, String prefix, int maxRevisions, Duration timeout) {
    if (maxRevisions < 1) {
      throw new IllegalArgumentException("maxRevisions must be positive, got " + maxRevisions);
    }
    this.client = client;
    this.endpoints = endpoints;
    this.prefix = prefix;
    this.maxRevisions = maxRevisions;
    this.timeout = timeout;
    this.resolveTimeout =
        timeout.compareTo(MAX_RESOLVE_TIMEOUT) < 0 ? timeout : MAX_RESOLVE_TIMEOUT;
    this.versionKey = key("version");
    this.configKey = key("config");
  }

  /** The key the committed snapshot is stored under: what replicas watch. */
  public ByteSequence configKey() {
    return configKey;
  }

  /** Where the store lives, for log lines: the endpoints and the prefix. */
  public String location() {
    return "etcd " + endpoints + " under " + prefix;
  }

  @Override
  public ConfigSnapshot load() throws IOException {
    return loadAt().snapshot();
  }

  /** The committed snapshot, with the etcd revision it was read at (to watch from). */
  public Loaded loadAt() throws IOException {
    GetResponse response = call("read the configuration", client.getKVClient().get(configKey));
    long etcdRevision = response.getHeader().getRevision();
    if (response.getKvs().isEmpty()) {
      return createFleet();
    }
    KeyValue stored = response.getKvs().get(0);
    ConfigSnapshot snapshot = parseSnapshot(stored.getValue(), "config");
    if (snapshot.getFleetId().isEmpty()) {
      return nameFleet(snapshot, stored.getModRevision());
    }
    return new Loaded(snapshot, etcdRevision);
  }

  /**
   * Gives a new prefix its fleet id: a version-0 config carrying a random one, put only if no
   * config exists, so replicas starting together agree on whichever was put first. A prefix with
   * revisions but no config lost its config, and is not a new store.
   */
  private Loaded createFleet() throws IOException {
    GetResponse revisions =
        call(
            "look for revisions",
            client
                .getKVClient()
                .get(
                    key("revisions/"),
                    GetOption.builder().isPrefix(true).withCountOnly(true).build()));
    if (revisions.getCount() > 0) {
      throw new MissingStateException(
          prefix + "config", prefix + "revisions/", revisions.getCount());
    }
    ConfigSnapshot fresh =
        ConfigSnapshot.newBuilder().setFleetId(UUID.randomUUID().toString()).build();
    return putIf(
        new Cmp(configKey, Cmp.Op.EQUAL, CmpTarget.version(0)), fresh, "create the fleet id");
  }

  /** A config from a Weir without fleet ids gets one, once, at its version. */
  private Loaded nameFleet(ConfigSnapshot snapshot, long modRevision) throws IOException {
    ConfigSnapshot named = snapshot.toBuilder().setFleetId(UUID.randomUUID().toString()).build();
    return putIf(
        new Cmp(configKey, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)),
        named,
        "give the config a fleet id");
  }

  // Puts the config if the comparison holds; else reads whatever another replica put.
  private Loaded putIf(Cmp unchanged, ConfigSnapshot config, String what) throws IOException {
    TxnResponse response =
        call(
            what,
            client
                .getKVClient()
                .txn()
                .If(unchanged)
                .Then(Op.put(configKey, ByteSequence.from(config.toByteArray()), PutOption.DEFAULT))
                .Else(Op.get(configKey, GetOption.DEFAULT))
                .commit());
    long etcdRevision = response.getHeader().getRevision();
    if (response.isSucceeded()) {
      log.info(
          "{}: fleet id {} (config version {})",
          location(),
          config.getFleetId(),
          config.getVersion());
      return new Loaded(config, etcdRevision);
    }
    List<KeyValue> kvs = response.getGetResponses().get(0).getKvs();
    if (kvs.isEmpty()) {
      throw new IOException("cannot " + what + ": " + prefix + "config changed meanwhile; retry");
    }
    return new Loaded(parseSnapshot(kvs.get(0).getValue(), "config"), etcdRevision);
  }

  /** Parses the value of the config key, as a watch delivers it. */
  public ConfigSnapshot parseSnapshot(ByteSequence value, String what) throws IOException {
    try {
      return ConfigSnapshot.parseFrom(value.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(prefix + what, "not a ConfigSnapshot: " + e.getMessage(), e);
    }
  }

  @Override
  public void commit(long expectedVersion, ConfigSnapshot next, Revision revision)
      throws IOException, VersionConflictException {
    if (next.getVersion() <= expectedVersion) {
      throw new IllegalArgumentException(
          "next version "
              + next.getVersion()
              + " is not newer than expected version "
              + expectedVersion);
    }
    if (revision.getVersion() != next.getVersion()) {
      throw new IllegalArgumentException(
          "revision "
              + revision.getVersion()
              + " does not describe config version "
              + next.getVersion());
    }
    ByteSequence stored = ByteSequence.from(next.toBuilder().clearNonce().build().toByteArray());
    ByteSequence record =
        ByteSequence.from(revision.toBuilder().clearConfig().build().toByteArray());
    Cmp unchanged = unchanged(expectedVersion);
    // Lets this attempt be called off if its answer is lost: see resolveLostCommit.
    ByteSequence abandoned = key("abandoned/" + UUID.randomUUID());
    String what = "commit config version " + next.getVersion();
    CompletableFuture<TxnResponse> commit =
        client
            .getKVClient()
            .txn()
            .If(unchanged, new Cmp(abandoned, Cmp.Op.EQUAL, CmpTarget.version(0)))
            .Then(
                Op.put(versionKey, text(Long.toString(next.getVersion())), PutOption.DEFAULT),
                Op.put(configKey, stored, PutOption.DEFAULT),
                Op.put(revisionKey(next.getVersion()), record, PutOption.DEFAULT),
                Op.put(key("configs/" + pad(next.getVersion())), stored, PutOption.DEFAULT))
            .Else(Op.get(versionKey, GetOption.DEFAULT))
            .commit();
    TxnResponse response;
    try {
      response = call(what, commit);
    } catch (IOException lost) {
      if (Thread.currentThread().isInterrupted()) {
        throw lost;
      }
      resolveLostCommit(expectedVersion, next.getVersion(), record, abandoned, lost);
      return;
    }
    if (!response.isSucceeded()) {
      throw new VersionConflictException(
          expectedVersion,
          versionIn(
              response.getGetResponses().isEmpty()
                  ? List.of()
                  : response.getGetResponses().get(0).getKvs()));
    }
  }

  /**
   * A commit that timed out or failed may still have reached etcd, and may even be applied later,
   * once etcd (paused, partitioned, electing a leader) gets to it. So before answering, call the
   * attempt off: one transaction that, if the version is still the expected one, puts the attempt's
   * {@code abandoned} key, which the commit requires to be absent. If that works, the commit can
   * never apply and nothing was; if the version moved on, the revision key tells whether it was
   * this commit; if etcd does not answer this either, the outcome is unknown.
   *
   * @throws IOException nothing was committed
   * @throws VersionConflictException another commit won; nothing of this one was committed
   * @throws CommitOutcomeUnknownException etcd did not answer; it may have been committed
   */
  private void resolveLostCommit(
      long expectedVersion,
      long version,
      ByteSequence record,
      ByteSequence abandoned,
      IOException lost)
      throws IOException, VersionConflictException {
    TxnResponse fence;
    try {
      fence =
          call(
              "find out whether config version " + version + " was committed",
              client
                  .getKVClient()
                  .txn()
                  .If(unchanged(expectedVersion))
                  .Then(Op.put(abandoned, text(Instant.now().toString()), PutOption.DEFAULT))
                  .Else(
                      Op.get(versionKey, GetOption.DEFAULT),
                      Op.get(revisionKey(version), GetOption.DEFAULT))
                  .commit(),
              resolveTimeout);
    } catch (IOException unresolved) {
      unresolved.addSuppressed(lost);
      throw new CommitOutcomeUnknownException(
          version,
          lost.getMessage() + ", nor when asked " + "afterwards whether it applied the commit",
          unresolved);
    }
    if (fence.isSucceeded()) {
      log.warn("{}; called the commit off, so nothing was applied", lost.getMessage());
      throw new IOException(lost.getMessage() + "; nothing was applied", lost);
    }
    List<KeyValue> ours = fence.getGetResponses().get(1).getKvs();
    if (!ours.isEmpty() && ours.get(0).getValue().equals(record)) {
      log.warn("{}, but etcd has it: config version {} was committed", lost.getMessage(), version);
      return;
    }
    throw new VersionConflictException(
        expectedVersion, versionIn(fence.getGetResponses().get(0).getKvs()));
  }

  private Cmp unchanged(long expectedVersion) {
    return expectedVersion == 0
        // A key that does not exist has version 0.
        ? new Cmp(versionKey, Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(versionKey, Cmp.Op.EQUAL, CmpTarget.value(text(Long.toString(expectedVersion))));
  }

  @Override
  public List<Revision> revisions(long beforeVersion, int limit) throws IOException {
    long newest = storedVersion();
    long top = beforeVersion == 0 ? newest : Math.min(newest, beforeVersion - 1);
    long oldest = Math.max(1, newest - maxRevisions + 1);
    if (top < oldest || limit <= 0) {
      return List.of();
    }
    GetResponse response =
        call(
            "list revisions",
            client
                .getKVClient()
                .get(
                    revisionKey(oldest),
                    GetOption.builder()
                        .withRange(revisionKey(top + 1))
                        .withSortField(GetOption.SortTarget.KEY)
                        .withSortOrder(GetOption.SortOrder.DESCEND)
                        .withLimit(limit)
                        .build()));
    List<Revision> revisions = new ArrayList<>();
    for (KeyValue kv : response.getKvs()) {
      revisions.add(parseRevision(kv));
    }
    return revisions;
  }

  @Override
  public Optional<Revision> revision(long version) throws IOException {
    long newest = storedVersion();
    if (version < 1 || version > newest || version <= newest - maxRevisions) {
      return Optional.empty();
    }
    TxnResponse response =
        call(
            "read revision " + version,
            client
                .getKVClient()
                .txn()
                .Then(
                    Op.get(revisionKey(version), GetOption.DEFAULT),
                    Op.get(key("configs/" + pad(version)), GetOption.DEFAULT))
                .commit());
    List<KeyValue> meta = response.getGetResponses().get(0).getKvs();
    List<KeyValue> config = response.getGetResponses().get(1).getKvs();
    if (meta.isEmpty() || config.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        parseRevision(meta.get(0)).toBuilder()
            .setConfig(parseSnapshot(config.get(0).getValue(), "configs/" + pad(version)))
            .build());
  }

  /**
   * Deletes the revisions older than the newest {@code maxRevisions}. Only one control plane (the
   * leader) needs to; two doing it at once would only delete the same keys twice.
   *
   * @return how many revisions were deleted
   */
  public long compactHistory() throws IOException {
    long cutoff = storedVersion() - maxRevisions + 1;
    if (cutoff <= 1) {
      return 0;
    }
    TxnResponse response =
        call(
            "compact the history",
            client
                .getKVClient()
                .txn()
                .Then(
                    Op.delete(
                        revisionKey(0),
                        DeleteOption.builder().withRange(revisionKey(cutoff)).build()),
                    Op.delete(
                        key("configs/" + pad(0)),
                        DeleteOption.builder().withRange(key("configs/" + pad(cutoff))).build()))
                .commit());
    long deleted = response.getDeleteResponses().get(0).getDeleted();
    if (deleted > 0) {
      log.info(
          "compacted the history in {}: deleted {} revisions older than {}",
          location(),
          deleted,
          cutoff);
    }
    return deleted;
  }

  /** The client is the caller's; nothing to release here. */
  @Override
  public void close() {}

  private long storedVersion() throws IOException {
    return versionIn(
        call("read the config version", client.getKVClient().get(versionKey)).getKvs());
  }

  private long versionIn(List<KeyValue> kvs) throws IOException {
    if (kvs.isEmpty()) {
      return 0;
    }
    String value = kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new StoreCorruptException(
          prefix + "version", "not a version number: \"" + value + "\"", e);
    }
  }

  private Revision parseRevision(KeyValue kv) throws IOException {
    try {
      return Revision.parseFrom(kv.getValue().getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(
          kv.getKey().toString(StandardCharsets.UTF_8), "not a Revision: " + e.getMessage(), e);
    }
  }

  private <T> T call(String what, CompletableFuture<T> future) throws IOException {
    return call(what, future, timeout);
  }

  private <T> T call(String what, CompletableFuture<T> future, Duration timeout)
      throws IOException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IOException(
          "cannot "
              + what
              + ": etcd at "
              + endpoints
              + " did not answer within "
              + seconds(timeout),
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException(
          "cannot " + what + ": etcd at " + endpoints + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to " + what + " in etcd", e);
    }
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() / 1000.0 + " s";
  }

  private ByteSequence revisionKey(long version) {
    return key("revisions/" + pad(version));
  }

  private ByteSequence key(String name) {
    return text(prefix + name);
  }

  private static String pad(long version) {
    return String.format(VERSION_FORMAT, version);
  }

  private static ByteSequence text(String value) {
    return ByteSequence.from(value, StandardCharsets.UTF_8);
  }

  /** A snapshot as read, and the etcd revision of the read. */
  public record Loaded(ConfigSnapshot snapshot, long etcdRevision) {}
}
