package dev.weir.api.rules;

import com.google.protobuf.Duration;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.TlsRouting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules of a pool's {@link TlsRouting}: the server names it answers to and the time a client
 * has to send its ClientHello. How pools share a listener by these names is {@link ListenerRules}'.
 */
public final class TlsRoutingRules {
  public static final int MAX_SERVER_NAMES = 100;

  /** The longest DNS name, written without its trailing dot. */
  public static final int MAX_SERVER_NAME_LENGTH = 253;

  public static final java.time.Duration DEFAULT_CLIENT_HELLO_TIMEOUT =
      java.time.Duration.ofSeconds(10);
  private static final java.time.Duration MAX_CLIENT_HELLO_TIMEOUT =
      java.time.Duration.ofMinutes(1);
  private static final String FIELD = "settings.tls_routing.";

  private TlsRoutingRules() {}

  /**
   * The server names of a pool with settings.tls_routing on, in lower case (wildcards keep their
   * "*." prefix); empty for any other pool, and for a default pool that lists none.
   *
   * @throws RuleViolation naming the field and the name at fault
   */
  static List<String> serverNames(String where, Pool pool) throws RuleViolation {
    return serverNames(where + ": ", pool.getSettings());
  }

  /**
   * {@code settings.tls_routing} with its server names in lower case, as the control plane stores
   * it.
   *
   * @throws RuleViolation naming the field (from "settings.") and the value at fault
   */
  public static TlsRouting normalized(PoolSettings settings) throws RuleViolation {
    return settings.getTlsRouting().toBuilder()
        .clearServerNames()
        .addAllServerNames(serverNames("", settings))
        .build();
  }

  private static List<String> serverNames(String where, PoolSettings settings)
      throws RuleViolation {
    TlsRouting routing = settings.getTlsRouting();
    String field = where + FIELD + "server_names";
    if (!routing.getEnabled()) {
      if (routing.getServerNamesCount() > 0
          || routing.getDefaultPool()
          || routing.getPostgres()
          || routing.hasClientHelloTimeout()) {
        throw new RuleViolation(
            where
                + FIELD
                + "server_names, default_pool, postgres"
                + " and client_hello_timeout need "
                + FIELD
                + "enabled");
      }
      return List.of();
    }
    if (settings.getHttpConnect().getEnabled()) {
      throw new RuleViolation(
          where + FIELD + "enabled cannot be combined with" + " settings.http_connect.enabled");
    }
    if (settings.getProxyProtocol().getAccept()) {
      throw new RuleViolation(
          where
              + "settings.proxy_protocol.accept cannot be combined"
              + " with "
              + FIELD
              + "enabled");
    }
    if (routing.getPostgres() && settings.getTlsTermination().getEnabled()) {
      // The proxy would answer the SSLRequest, terminate, then send the backend plaintext after
      // asking it for TLS: PostgreSQL's own TLS must run end to end here.
      throw new RuleViolation(
          where
              + FIELD
              + "postgres cannot be combined with"
              + " settings.tls_termination.enabled; PostgreSQL pools route TLS through untouched");
    }
    if (routing.getServerNamesCount() == 0 && !routing.getDefaultPool()) {
      throw new RuleViolation(field + ": list at least one name, or set " + FIELD + "default_pool");
    }
    if (routing.getServerNamesCount() > MAX_SERVER_NAMES) {
      throw new RuleViolation(
          field
              + ": at most "
              + MAX_SERVER_NAMES
              + " allowed, got "
              + routing.getServerNamesCount());
    }
    clientHelloTimeout(where, routing);
    List<String> names = new ArrayList<>(routing.getServerNamesCount());
    for (String name : routing.getServerNamesList()) {
      String normal = normalize(field, name);
      if (names.contains(normal)) {
        throw new RuleViolation(field + ": \"" + name + "\" is listed twice");
      }
      names.add(normal);
    }
    return names;
  }

  /** The pool's ClientHello timeout, or the default when it sets none. */
  public static java.time.Duration clientHelloTimeout(TlsRouting routing) {
    Duration d = routing.getClientHelloTimeout();
    return routing.hasClientHelloTimeout()
        ? java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos())
        : DEFAULT_CLIENT_HELLO_TIMEOUT;
  }

  private static void clientHelloTimeout(String where, TlsRouting routing) throws RuleViolation {
    if (!routing.hasClientHelloTimeout()) {
      return;
    }
    Duration d = routing.getClientHelloTimeout();
    boolean wellFormed = d.getSeconds() >= 0 && d.getNanos() >= 0 && d.getNanos() <= 999_999_999;
    java.time.Duration timeout = wellFormed ? clientHelloTimeout(routing) : null;
    if (timeout == null
        || timeout.toMillis() < 1
        || timeout.compareTo(MAX_CLIENT_HELLO_TIMEOUT) > 0) {
      throw new RuleViolation(
          where
              + FIELD
              + "client_hello_timeout must be 1ms..1m, got "
              + d.getSeconds()
              + "s "
              + d.getNanos()
              + "ns");
    }
  }

  /**
   * {@code name} in lower case, if it is a DNS name of letters, digits and hyphens (a leading "*."
   * for a wildcard) as clients send in SNI, which carries no IP addresses.
   */
  static String normalize(String field, String name) throws RuleViolation {
    String shown = name.length() <= 80 ? name : name.substring(0, 80) + "...";
    if (name.length() > MAX_SERVER_NAME_LENGTH) {
      throw new RuleViolation(
          field + ": \"" + shown + "\" is longer than " + MAX_SERVER_NAME_LENGTH + " characters");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    String host = lower.startsWith("*.") ? lower.substring(2) : lower;
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (!validLabel(label)) {
        throw new RuleViolation(
            field
                + ": \""
                + shown
                + "\" is not a server name: use DNS"
                + " labels of 1..63 letters, digits and inner hyphens, separated by dots, with no"
                + " trailing dot; a wildcard is \"*.\" followed by such a name");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new RuleViolation(
          field + ": \"" + shown + "\" looks like an IP address; SNI carries" + " host names only");
    }
    return lower;
  }

  private static boolean validLabel(String label) {
    int n = label.length();
    if (n == 0 || n > 63 || label.charAt(0) == '-' || label.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = label.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
