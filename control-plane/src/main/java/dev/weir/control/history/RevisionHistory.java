package dev.weir.control.history;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.DiffRevisionsRequest;
import dev.weir.api.v1.DiffRevisionsResponse;
import dev.weir.api.v1.GetRevisionRequest;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.ListRevisionsResponse;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.RollbackResponse;
import dev.weir.control.pool.ChangeIntent;
import dev.weir.control.pool.ChangeOutcome;
import dev.weir.control.pool.ConfigDiff;
import dev.weir.control.pool.PoolMutations;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.StoreCorruptException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The revision rpcs: listing and reading revisions, diffing any two, and rolling back to one. Reads
 * go to the store; a rollback is one more change through the {@link PoolRegistry}, so it is
 * validated, guarded, dry-run and recorded like any other.
 */
public final class RevisionHistory {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  private final ConfigStore store;
  private final PoolRegistry pools;

  public RevisionHistory(ConfigStore store, PoolRegistry pools) {
    this.store = store;
    this.pools = pools;
  }

  /** Newest first; a limit of 0 means 50, and more than 1000 means 1000. */
  public ListRevisionsResponse list(ListRevisionsRequest request) {
    int limit =
        request.getLimit() == 0
            ? DEFAULT_LIMIT
            : (int) Math.min(MAX_LIMIT, Integer.toUnsignedLong(request.getLimit()));
    try {
      return ListRevisionsResponse.newBuilder()
          .addAllRevisions(store.revisions(request.getBeforeVersion(), limit))
          .build();
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  public Revision get(GetRevisionRequest request) {
    long version = requireVersion("version", request.getVersion());
    return find(version).orElseThrow(() -> notFound(version));
  }

  /** From one revision's config to another's; {@code to_version} 0 is the current config. */
  public DiffRevisionsResponse diff(DiffRevisionsRequest request) {
    ConfigSnapshot from = config(requireVersion("from_version", request.getFromVersion()));
    ConfigSnapshot to =
        request.getToVersion() == 0 ? pools.current() : config(request.getToVersion());
    return DiffRevisionsResponse.newBuilder()
        .setDiff(ConfigDiff.between(from.getPoolsList(), to.getPoolsList()))
        .build();
  }

  /** Makes revision {@code version}'s config current again, as a new revision by {@code actor}. */
  public RollbackResponse rollback(RollbackRequest request, String actor) {
    long version = requireVersion("version", request.getVersion());
    ConfigSnapshot target = config(version);
    ChangeOutcome outcome =
        pools.apply(
            PoolMutations.restore(version, target.getPoolsList()),
            ChangeIntent.of("Rollback", actor, request.getOptions()));
    return RollbackResponse.newBuilder()
        .setConfigVersion(outcome.config().getVersion())
        .setDiff(outcome.diff())
        .setDryRun(outcome.dryRun())
        .build();
  }

  /**
   * The pools as they were at {@code version}: none at version 0, else the current ones or those
   * the history still holds; empty if the history no longer has them.
   */
  public Optional<List<Pool>> poolsAt(long version) {
    if (version == 0) {
      return Optional.of(List.of());
    }
    ConfigSnapshot current = pools.current();
    if (version == current.getVersion()) {
      return Optional.of(current.getPoolsList());
    }
    return find(version).map(r -> r.getConfig().getPoolsList());
  }

  /** The config {@code version} made: the current one, or one the history still holds. */
  private ConfigSnapshot config(long version) {
    ConfigSnapshot current = pools.current();
    if (version == current.getVersion()) {
      return current;
    }
    return find(version).map(Revision::getConfig).orElseThrow(() -> notFound(version));
  }

  private Optional<Revision> find(long version) {
    try {
      return store.revision(version);
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private StatusRuntimeException notFound(long version) {
    long newest = pools.current().getVersion();
    String why =
        version > newest
            ? "the newest is " + newest
            : "the history keeps a bounded number of revisions, so older ones may have been "
                + "compacted away; 'weirctl history' lists those kept";
    return Status.NOT_FOUND
        .withDescription("revision " + version + " not found: " + why)
        .asRuntimeException();
  }

  private static long requireVersion(String field, long version) {
    if (version == 0) {
      throw Status.INVALID_ARGUMENT
          .withDescription(field + " must be set to a revision's version (1 or more)")
          .asRuntimeException();
    }
    return version;
  }

  private static StatusRuntimeException unreadable(IOException e) {
    Status status = e instanceof StoreCorruptException ? Status.DATA_LOSS : Status.UNAVAILABLE;
    return status
        .withDescription("cannot read the revision history: " + e.getMessage())
        .withCause(e)
        .asRuntimeException();
  }
}
