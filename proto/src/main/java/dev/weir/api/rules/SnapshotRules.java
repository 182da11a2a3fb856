package dev.weir.api.rules;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.Pool;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one validator of a {@link ConfigSnapshot}: every proxy refuses (NACKs) a snapshot that breaks
 * these rules, and the control plane refuses to commit one, so nothing it commits can be refused by
 * a proxy. The limits keep a snapshot from a broken or newer control plane from making a proxy
 * build tables or buffers without bound.
 */
public final class SnapshotRules {
  public static final Set<Algorithm> SUPPORTED_ALGORITHMS =
      EnumSet.of(
          Algorithm.ROUND_ROBIN,
          Algorithm.WEIGHTED_ROUND_ROBIN,
          Algorithm.LEAST_CONNECTIONS,
          Algorithm.P2C,
          Algorithm.MAGLEV);
  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 1000;
  public static final int MAX_POOLS = 1000;
  public static final int MAX_BACKENDS_PER_POOL = 1000;
  public static final int MAX_BACKENDS_TOTAL = 10_000;
  public static final int MAX_BUFFER_BYTES = 64 << 20;

  /** Maglev tables of all pools together: 64 MiB of ints. */
  public static final long MAX_MAGLEV_ENTRIES_TOTAL = 16L << 20;

  public static final int MAX_CONNECT_AUTHORITIES = 100;

  /** A 253-character host name, ":" and a 5-digit port. */
  public static final int MAX_AUTHORITY_LENGTH = 261;

  private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of google.protobuf.Timestamp.
  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

  private SnapshotRules() {}

  /**
   * @throws RuleViolation naming the first pool and field that breaks a rule
   */
  public static void check(ConfigSnapshot snapshot) throws RuleViolation {
    checkCounts(snapshot);
    Set<String> names = new HashSet<>();
    long maglevEntries = 0;
    for (Pool pool : snapshot.getPoolsList()) {
      if (!POOL_NAME.matcher(pool.getName()).matches()) {
        throw new RuleViolation(
            "pool name \""
                + shorten(pool.getName())
                + "\" is invalid: use 1..63 of [a-z0-9-], starting and ending with a letter or digit");
      }
      String where = "pool " + pool.getName();
      if (!names.add(pool.getName())) {
        throw new RuleViolation("pool name \"" + pool.getName() + "\" is repeated");
      }
      if (!SUPPORTED_ALGORITHMS.contains(pool.getAlgorithm())) {
        throw new RuleViolation(
            where
                + ": algorithm "
                + pool.getAlgorithm()
                + " ("
                + pool.getAlgorithmValue()
                + ") is not supported by this proxy; supported: "
                + SUPPORTED_ALGORITHMS);
      }
      Address listen = Address.parse(where + ": listen", pool.getListen(), true);
      SettingsCheck.check(where, pool.getSettings(), pool.getBackendsCount());
      if (pool.getAlgorithm() == Algorithm.MAGLEV) {
        int size = pool.getSettings().getMaglevTableSize();
        maglevEntries += size == 0 ? SettingsCheck.DEFAULT_MAGLEV_TABLE_SIZE : size;
        if (maglevEntries > MAX_MAGLEV_ENTRIES_TOTAL) {
          throw new RuleViolation(
              where
                  + ": the maglev tables of all pools would have "
                  + maglevEntries
                  + " entries, more than the "
                  + MAX_MAGLEV_ENTRIES_TOTAL
                  + " allowed");
        }
      }
      backends(where, pool);
      connectAuthorities(where, pool, listen.port());
      TlsRoutingRules.serverNames(where, pool);
      TlsTerminationRules.check(where, pool.getSettings());
    }
    ListenerRules.check(snapshot.getPoolsList());
  }

  /**
   * The CONNECT targets of a pool with settings.http_connect on, in lower case; empty for a plain
   * pool. With none listed the pool answers to its name and listen port. For a pool that passed
   * {@link #check}.
   */
  public static List<String> connectAuthorities(Pool pool) {
    try {
      return connectAuthorities(
          "pool " + pool.getName(), pool, Address.parse("listen", pool.getListen(), true).port());
    } catch (RuleViolation e) {
      throw new IllegalArgumentException("pool was not checked: " + e.getMessage(), e);
    }
  }

  /**
   * The server names of a pool with settings.tls_routing on, in lower case; empty for any other
   * pool. For a pool that passed {@link #check}.
   */
  public static List<String> serverNames(Pool pool) {
    try {
      return TlsRoutingRules.serverNames("pool " + pool.getName(), pool);
    } catch (RuleViolation e) {
      throw new IllegalArgumentException("pool was not checked: " + e.getMessage(), e);
    }
  }

  private static List<String> connectAuthorities(String where, Pool pool, int listenPort)
      throws RuleViolation {
    HttpConnect connect = pool.getSettings().getHttpConnect();
    String field = where + ": settings.http_connect.authorities";
    if (!connect.getEnabled()) {
      if (connect.getAuthoritiesCount() > 0) {
        throw new RuleViolation(field + " needs settings.http_connect.enabled");
      }
      return List.of();
    }
    if (pool.getSettings().getProxyProtocol().getAccept()) {
      throw new RuleViolation(
          where
              + ": settings.proxy_protocol.accept cannot be"
              + " combined with settings.http_connect.enabled");
    }
    if (connect.getAuthoritiesCount() == 0) {
      return List.of(pool.getName() + ":" + listenPort);
    }
    if (connect.getAuthoritiesCount() > MAX_CONNECT_AUTHORITIES) {
      throw new RuleViolation(
          field
              + ": at most "
              + MAX_CONNECT_AUTHORITIES
              + " allowed, got "
              + connect.getAuthoritiesCount());
    }
    List<String> authorities = new ArrayList<>(connect.getAuthoritiesCount());
    for (String authority : connect.getAuthoritiesList()) {
      if (authority.length() > MAX_AUTHORITY_LENGTH) {
        throw new RuleViolation(
            field
                + ": \""
                + shorten(authority)
                + "\" is longer"
                + " than "
                + MAX_AUTHORITY_LENGTH
                + " characters");
      }
      Address.parse(field + ": \"" + authority + "\"", authority, false);
      String normal = authority.toLowerCase(Locale.ROOT);
      if (authorities.contains(normal)) {
        throw new RuleViolation(field + ": \"" + authority + "\" is listed twice");
      }
      authorities.add(normal);
    }
    return authorities;
  }

  /** Counts first, so an absurd snapshot costs no work per element. */
  private static void checkCounts(ConfigSnapshot snapshot) throws RuleViolation {
    if (snapshot.getPoolsCount() > MAX_POOLS) {
      throw new RuleViolation(
          "the snapshot has "
              + snapshot.getPoolsCount()
              + " pools, more than the "
              + MAX_POOLS
              + " allowed");
    }
    long total = 0;
    for (Pool pool : snapshot.getPoolsList()) {
      if (pool.getBackendsCount() > MAX_BACKENDS_PER_POOL) {
        throw new RuleViolation(
            "pool "
                + shorten(pool.getName())
                + " has "
                + pool.getBackendsCount()
                + " backends, more than the "
                + MAX_BACKENDS_PER_POOL
                + " allowed");
      }
      total += pool.getBackendsCount();
    }
    if (total > MAX_BACKENDS_TOTAL) {
      throw new RuleViolation(
          "the snapshot has "
              + total
              + " backends in all pools, "
              + "more than the "
              + MAX_BACKENDS_TOTAL
              + " allowed");
    }
  }

  private static void backends(String where, Pool pool) throws RuleViolation {
    Set<String> seen = new HashSet<>();
    for (Backend backend : pool.getBackendsList()) {
      String field = where + ": backend " + backend.getAddress();
      Address.parse(field + ": address", backend.getAddress(), false);
      if (!seen.add(backend.getAddress())) {
        throw new RuleViolation(field + " is listed twice");
      }
      if (Integer.compareUnsigned(backend.getWeight(), MIN_WEIGHT) < 0
          || Integer.compareUnsigned(backend.getWeight(), MAX_WEIGHT) > 0) {
        throw new RuleViolation(
            field
                + ": weight must be "
                + MIN_WEIGHT
                + ".."
                + MAX_WEIGHT
                + ", got "
                + Integer.toUnsignedString(backend.getWeight()));
      }
      if (backend.getState() != BackendState.ACTIVE
          && backend.getState() != BackendState.DRAINING) {
        throw new RuleViolation(
            field
                + ": state must be ACTIVE or DRAINING, got "
                + backend.getState()
                + " ("
                + backend.getStateValue()
                + ")");
      }
      if (Integer.compareUnsigned(backend.getEffectiveWeight(), MAX_WEIGHT) > 0) {
        throw new RuleViolation(
            field
                + ": effective_weight must be 0.."
                + MAX_WEIGHT
                + " (0: use weight), got "
                + Integer.toUnsignedString(backend.getEffectiveWeight()));
      }
      // A deadline left on an ACTIVE backend has nothing to end; it is ignored, not refused.
      if (backend.getState() == BackendState.DRAINING && backend.hasDrainDeadline()) {
        checkTime(field + ": drain_deadline", backend.getDrainDeadline());
      }
    }
  }

  /** A Timestamp within the range protobuf allows (years 1..9999). */
  private static void checkTime(String field, Timestamp timestamp) throws RuleViolation {
    if (timestamp.getSeconds() < MIN_TIMESTAMP_SECONDS
        || timestamp.getSeconds() > MAX_TIMESTAMP_SECONDS
        || timestamp.getNanos() < 0
        || timestamp.getNanos() > 999_999_999) {
      throw new RuleViolation(
          field
              + " is not a valid time: "
              + timestamp.getSeconds()
              + "s "
              + timestamp.getNanos()
              + "ns");
    }
  }

  /** Whether {@code n} is a prime; Maglev table sizes must be. */
  public static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long d = 3; d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  /** Text from the wire, cut to a length fit for an error, a NACK reason and a log line. */
  static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
