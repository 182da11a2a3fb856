package dev.weir.control.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a caller may do; each rpc names the roles allowed to call it ({@link MethodRoles}). */
public enum Role {
  /** Changes pools and backends, and reads everything. */
  ADMIN,
  /** Reads pools, proxies, history and the event stream; changes nothing. */
  VIEWER,
  /** A weir-proxy: only ProxyService. */
  PROXY,
  /** Another weir-control replica of the fleet, following this one's proxies. */
  REPLICA;

  /** The name used in auth files and messages. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role called {@code id}; null if there is none. */
  static Role parse(String id) {
    for (Role role : values()) {
      if (role.id().equals(id)) {
        return role;
      }
    }
    return null;
  }

  static String allowedIds() {
    return Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "));
  }
}
