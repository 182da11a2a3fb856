package dev.weir.control.pool;

import dev.weir.api.rules.ConfigDefaults;
import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.BackendState;
import dev.weir.api.wire.HostPort;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules for each configuration field. Each check returns the value in normal form or throws
 * INVALID_ARGUMENT naming the field, the allowed values and what it got.
 */
public final class ConfigRules {
  public static final int MAX_POOLS = SnapshotRules.MAX_POOLS;
  public static final int MAX_BACKENDS_PER_POOL = SnapshotRules.MAX_BACKENDS_PER_POOL;
  public static final int MIN_WEIGHT = SnapshotRules.MIN_WEIGHT;
  public static final int MAX_WEIGHT = SnapshotRules.MAX_WEIGHT;

  /** A 253-character DNS name, ":" and a 5-digit port; bracketed IPv6 is shorter. */
  public static final int MAX_ADDRESS_LENGTH = 259;

  // Error descriptions quote what they got, up to this much: they travel back in a header.
  private static final int MAX_QUOTED_LENGTH = 80;

  private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  // "ROUND_ROBIN, ..., P2C or MAGLEV": every value but the unset one, so new ones list themselves.
  private static final String KNOWN_ALGORITHMS = knownAlgorithms();
  private static final String ADDRESS_FORM =
      "use host:port with an IPv4 address, [IPv6] address or DNS name and a port 1..65535";

  private ConfigRules() {}

  public static String poolName(String name) {
    if (!POOL_NAME.matcher(name).matches()) {
      throw invalid(
          "pool name "
              + quoted(name)
              + " is invalid: use 1..63 of [a-z0-9-], starting and "
              + "ending with a letter or digit");
    }
    return name;
  }

  /** A pool's listen address, {@code [host]:port} with an optional host. */
  public static HostPort listen(String listen) {
    requireAddressLength("listen", listen);
    try {
      return HostPort.parse(listen).requirePort();
    } catch (IllegalArgumentException e) {
      String example =
          listen.matches("[0-9]{1,5}")
              ? "\":" + listen + "\" for every address"
              : "\":8080\" or \"10.0.0.1:8080\"";
      throw invalid(
          "listen \""
              + listen
              + "\" is invalid: "
              + e.getMessage()
              + "; use [host]:port, e.g. "
              + example);
    }
  }

  /** A backend's {@code host:port}; the host is required. */
  public static String backendAddress(String address) {
    requireAddressLength("backend address", address);
    try {
      return HostPort.parseWithHost(address).toString();
    } catch (IllegalArgumentException e) {
      throw invalid(
          "backend address \""
              + address
              + "\" is invalid: "
              + e.getMessage()
              + "; "
              + ADDRESS_FORM);
    }
  }

  /** Takes the wire value so numbers this build does not know are reported, not defaulted. */
  public static Algorithm algorithm(int value) {
    Algorithm algorithm = Algorithm.forNumber(value);
    if (algorithm == Algorithm.ALGORITHM_UNSPECIFIED) {
      return ConfigDefaults.ALGORITHM;
    }
    if (algorithm == null) {
      throw invalid("algorithm must be " + KNOWN_ALGORITHMS + ", got " + value);
    }
    return algorithm;
  }

  /** Weights are uint32 on the wire, so the int is read as unsigned. */
  public static int weight(int weight) {
    if (Integer.compareUnsigned(weight, MIN_WEIGHT) < 0
        || Integer.compareUnsigned(weight, MAX_WEIGHT) > 0) {
      throw invalid(
          "backend weight must be "
              + MIN_WEIGHT
              + ".."
              + MAX_WEIGHT
              + ", got "
              + Integer.toUnsignedString(weight));
    }
    return weight;
  }

  public static BackendState backendState(int value) {
    BackendState state = BackendState.forNumber(value);
    if (state == BackendState.BACKEND_STATE_UNSPECIFIED) {
      return ConfigDefaults.STATE;
    }
    if (state == null) {
      throw invalid("backend state must be ACTIVE or DRAINING, got " + value);
    }
    return state;
  }

  private static String knownAlgorithms() {
    List<String> names =
        Arrays.stream(Algorithm.values())
            .filter(a -> a != Algorithm.ALGORITHM_UNSPECIFIED && a != Algorithm.UNRECOGNIZED)
            .map(Algorithm::name)
            .collect(Collectors.toList());
    return String.join(", ", names.subList(0, names.size() - 1))
        + " or "
        + names.get(names.size() - 1);
  }

  private static void requireAddressLength(String field, String value) {
    if (value.length() > MAX_ADDRESS_LENGTH) {
      throw invalid(
          field
              + " "
              + quoted(value)
              + " is invalid: it has "
              + value.length()
              + " characters, more than the "
              + MAX_ADDRESS_LENGTH
              + " a host:port can have");
    }
  }

  /** {@code value} in quotes, cut short if it is long. */
  static String quoted(String value) {
    return value.length() <= MAX_QUOTED_LENGTH
        ? "\"" + value + "\""
        : "\"" + value.substring(0, MAX_QUOTED_LENGTH) + "\"...";
  }

  static StatusRuntimeException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
  }
}
