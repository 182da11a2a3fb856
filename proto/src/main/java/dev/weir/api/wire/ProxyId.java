package dev.weir.api.wire;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rule for a proxy's id: what {@code weir-proxy --id} takes, what its hello carries and what
 * connection ids and filters name. Ids are unique in a fleet and end up in logs, metrics labels and
 * connection ids ({@code PROXY-ID/SEQUENCE}), so they keep to characters none of those quote.
 */
public final class ProxyId {

  /** The rule in words, as errors and help texts give it. */
  public static final String RULE = "1..128 of [A-Za-z0-9._-]";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private ProxyId() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * What is wrong with {@code id}, naming {@code field}, or empty if it keeps the rule: e.g. {@code
   * proxy_id "edge 1" is invalid: use 1..128 of [A-Za-z0-9._-]}.
   */
  public static Optional<String> problem(String field, String id) {
    return isValid(id)
        ? Optional.empty()
        : Optional.of(field + " \"" + id + "\" is invalid: use " + RULE);
  }
}
