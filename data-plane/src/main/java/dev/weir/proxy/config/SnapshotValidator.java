package dev.weir.proxy.config;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.Pool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a snapshot from the control plane into a {@link ProxyConfig}, or explains why it can't.
 *
 * <p>The control plane validates too, but a proxy must never trust bytes off the wire to be
 * well-formed: a newer control plane may send an algorithm this proxy doesn't know, and the NACK
 * reason is how the operator finds out.
 */
public final class SnapshotValidator {

  static final Set<Algorithm> SUPPORTED_ALGORITHMS =
      EnumSet.of(Algorithm.ROUND_ROBIN, Algorithm.WEIGHTED_ROUND_ROBIN,
          Algorithm.LEAST_CONNECTIONS, Algorithm.P2C, Algorithm.MAGLEV);
  static final int MAX_WEIGHT = 1000;
  // The control plane's limits, checked again so that a snapshot from a broken or newer control
  // plane cannot make this proxy build tables or buffers without bound.
  static final int MAX_POOLS = 1000;
  static final int MAX_BACKENDS_PER_POOL = 1000;
  static final int MAX_BACKENDS_TOTAL = 10_000;
  static final int MAX_BUFFER_BYTES = 64 << 20;
  /** Maglev tables of all pools together: 64 MiB of ints. */
  static final long MAX_MAGLEV_ENTRIES_TOTAL = 16L << 20;
  static final int MAX_CONNECT_AUTHORITIES = 100;
  /** A 253-character host name, ":" and a 5-digit port; the control plane's limit too. */
  static final int MAX_AUTHORITY_LENGTH = 261;
  private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of google.protobuf.Timestamp.
  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

  private static final Pattern HOSTNAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private SnapshotValidator() {}

  public static ProxyConfig validate(ConfigSnapshot snapshot) throws InvalidConfigException {
    checkCounts(snapshot);
    List<PoolConfig> pools = new ArrayList<>(snapshot.getPoolsCount());
    Set<String> names = new HashSet<>();
    long maglevEntries = 0;
    for (Pool pool : snapshot.getPoolsList()) {
      if (!POOL_NAME.matcher(pool.getName()).matches()) {
        throw new InvalidConfigException("pool name \"" + shorten(pool.getName())
            + "\" is invalid: use 1..63 of [a-z0-9-], starting and ending with a letter or digit");
      }
      String where = "pool " + pool.getName();
      if (!names.add(pool.getName())) {
        throw new InvalidConfigException("pool name \"" + pool.getName() + "\" is repeated");
      }
      if (!SUPPORTED_ALGORITHMS.contains(pool.getAlgorithm())) {
        throw new InvalidConfigException(
            where + ": algorithm " + pool.getAlgorithm() + " (" + pool.getAlgorithmValue()
                + ") is not supported by this proxy; supported: " + SUPPORTED_ALGORITHMS);
      }
      HostPort listen = parseHostPort(where + ": listen", pool.getListen(), true);
      PoolOptions options =
          SettingsParser.parse(where, pool.getSettings(), pool.getBackendsCount());
      if (pool.getAlgorithm() == Algorithm.MAGLEV) {
        maglevEntries += options.maglevTableSize();
        if (maglevEntries > MAX_MAGLEV_ENTRIES_TOTAL) {
          throw new InvalidConfigException(where + ": the maglev tables of all pools would have "
              + maglevEntries + " entries, more than the " + MAX_MAGLEV_ENTRIES_TOTAL + " allowed");
        }
      }
      pools.add(
          new PoolConfig(
              pool.getName(), listen.host(), listen.port(), pool.getAlgorithm(),
              backends(where, pool), options, connectAuthorities(where, pool, listen.port())));
    }
    SharedListeners.check(pools);
    return new ProxyConfig(snapshot.getVersion(), pools);
  }

  /**
   * The CONNECT targets of a pool with settings.http_connect on, in lower case; empty for a
   * plain pool. With none listed the pool answers to its name and listen port.
   */
  private static List<String> connectAuthorities(String where, Pool pool, int listenPort)
      throws InvalidConfigException {
    HttpConnect connect = pool.getSettings().getHttpConnect();
    String field = where + ": settings.http_connect.authorities";
    if (!connect.getEnabled()) {
      if (connect.getAuthoritiesCount() > 0) {
        throw new InvalidConfigException(field + " needs settings.http_connect.enabled");
      }
      return List.of();
    }
    if (pool.getSettings().getProxyProtocol().getAccept()) {
      throw new InvalidConfigException(where + ": settings.proxy_protocol.accept cannot be"
          + " combined with settings.http_connect.enabled");
    }
    if (connect.getAuthoritiesCount() == 0) {
      return List.of(pool.getName() + ":" + listenPort);
    }
    if (connect.getAuthoritiesCount() > MAX_CONNECT_AUTHORITIES) {
      throw new InvalidConfigException(field + ": at most " + MAX_CONNECT_AUTHORITIES
          + " allowed, got " + connect.getAuthoritiesCount());
    }
    List<String> authorities = new ArrayList<>(connect.getAuthoritiesCount());
    for (String authority : connect.getAuthoritiesList()) {
      if (authority.length() > MAX_AUTHORITY_LENGTH) {
        throw new InvalidConfigException(field + ": \"" + shorten(authority) + "\" is longer"
            + " than " + MAX_AUTHORITY_LENGTH + " characters");
      }
      parseHostPort(field + ": \"" + authority + "\"", authority, false);
      String normal = authority.toLowerCase(Locale.ROOT);
      if (authorities.contains(normal)) {
        throw new InvalidConfigException(field + ": \"" + authority + "\" is listed twice");
      }
      authorities.add(normal);
    }
    return authorities;
  }

  /** Counts first, so an absurd snapshot costs no work per element. */
  private static void checkCounts(ConfigSnapshot snapshot) throws InvalidConfigException {
    if (snapshot.getPoolsCount() > MAX_POOLS) {
      throw new InvalidConfigException("the snapshot has " + snapshot.getPoolsCount()
          + " pools, more than the " + MAX_POOLS + " allowed");
    }
    long total = 0;
    for (Pool pool : snapshot.getPoolsList()) {
      if (pool.getBackendsCount() > MAX_BACKENDS_PER_POOL) {
        throw new InvalidConfigException("pool " + shorten(pool.getName()) + " has "
            + pool.getBackendsCount() + " backends, more than the " + MAX_BACKENDS_PER_POOL
            + " allowed");
      }
      total += pool.getBackendsCount();
    }
    if (total > MAX_BACKENDS_TOTAL) {
      throw new InvalidConfigException("the snapshot has " + total + " backends in all pools, "
          + "more than the " + MAX_BACKENDS_TOTAL + " allowed");
    }
  }

  /** Text from the wire, cut to a length fit for a NACK reason and a log line. */
  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  private static List<BackendConfig> backends(String where, Pool pool)
      throws InvalidConfigException {
    List<BackendConfig> backends = new ArrayList<>(pool.getBackendsCount());
    Set<String> seen = new HashSet<>();
    for (Backend backend : pool.getBackendsList()) {
      String field = where + ": backend " + backend.getAddress();
      HostPort hostPort = parseHostPort(field + ": address", backend.getAddress(), false);
      if (!seen.add(backend.getAddress())) {
        throw new InvalidConfigException(field + " is listed twice");
      }
      if (backend.getWeight() < 1 || backend.getWeight() > MAX_WEIGHT) {
        throw new InvalidConfigException(
            field + ": weight must be 1.." + MAX_WEIGHT + ", got " + backend.getWeight());
      }
      if (backend.getState() != BackendState.ACTIVE
          && backend.getState() != BackendState.DRAINING) {
        throw new InvalidConfigException(
            field + ": state must be ACTIVE or DRAINING, got " + backend.getState());
      }
      if (Integer.compareUnsigned(backend.getEffectiveWeight(), MAX_WEIGHT) > 0) {
        throw new InvalidConfigException(field + ": effective_weight must be 0.." + MAX_WEIGHT
            + " (0: use weight), got " + Integer.toUnsignedString(backend.getEffectiveWeight()));
      }
      boolean draining = backend.getState() == BackendState.DRAINING;
      // A deadline left on an ACTIVE backend has nothing to end; it is ignored, not refused.
      Instant deadline = draining && backend.hasDrainDeadline()
          ? instant(field + ": drain_deadline", backend.getDrainDeadline())
          : null;
      backends.add(
          new BackendConfig(
              backend.getAddress(), hostPort.toSocketAddress(), backend.getWeight(), draining,
              backend.getEffectiveWeight(), deadline));
    }
    return backends;
  }

  /** A Timestamp within the range protobuf allows (years 1..9999). */
  private static Instant instant(String field, Timestamp timestamp)
      throws InvalidConfigException {
    if (timestamp.getSeconds() < MIN_TIMESTAMP_SECONDS
        || timestamp.getSeconds() > MAX_TIMESTAMP_SECONDS
        || timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999) {
      throw new InvalidConfigException(field + " is not a valid time: " + timestamp.getSeconds()
          + "s " + timestamp.getNanos() + "ns");
    }
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** "host:port", "[v6]:port", or with {@code hostOptional} also ":port". */
  static HostPort parseHostPort(String field, String value, boolean hostOptional)
      throws InvalidConfigException {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new InvalidConfigException(field + " must be HOST:PORT, got \"" + value + "\"");
    }
    String host = value.substring(0, colon);
    String portText = value.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new InvalidConfigException(field + ": port must be 1..65535, got \"" + portText + "\"");
    }
    boolean literal = false;
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    if (bracketed) {
      host = host.substring(1, host.length() - 1);
      if (!host.contains(":")) {
        throw new InvalidConfigException(field + ": \"[" + host + "]\" is not an IPv6 address");
      }
      literal = true;
    } else if (IPV4.matcher(host).matches()) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          throw new InvalidConfigException(field + ": \"" + host + "\" is not a valid IPv4 address");
        }
      }
      literal = true;
    } else if (host.isEmpty()) {
      if (!hostOptional) {
        throw new InvalidConfigException(field + " must name a host, got \"" + value + "\"");
      }
    } else if (!HOSTNAME.matcher(host).matches() || host.length() > 253) {
      throw new InvalidConfigException(field + ": \"" + host + "\" is not a valid host name");
    }
    if (literal) {
      try {
        // A literal never causes a lookup; this only parses it. IPv6 keeps its brackets, without
        // which a malformed one such as "zz:zz" would be looked up as a host name.
        InetAddress.getByName(bracketed ? "[" + host + "]" : host);
      } catch (UnknownHostException e) {
        throw new InvalidConfigException(field + ": \"" + host + "\" is not a valid IP address");
      }
    }
    return new HostPort(host, port, literal);
  }

  record HostPort(String host, int port, boolean literal) {
    InetSocketAddress toSocketAddress() {
      if (literal) {
        try {
          return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
          throw new AssertionError("literal was parsed before", e);
        }
      }
      return InetSocketAddress.createUnresolved(host, port);
    }
  }
}
