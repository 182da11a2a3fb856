package dev.weir.control.pool;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What changed between two configurations, one line per change, for people and for the audit trail.
 * The same two configurations always give the same text.
 *
 * <pre>
 *   + pool web listen :8080 algorithm round-robin        a new pool, then its settings and
 *   + pool web settings.slow_start 30s                   backends, one per line
 *   + pool web backend 10.0.0.5:80 weight 1
 *   - pool api                                           a deleted pool
 *   ~ pool web algorithm round-robin -> maglev           a changed field of a pool
 *   ~ pool web settings.health_check.interval 5s -> 2s
 *   ~ pool web settings.slow_start unset -> 30s          "unset": the default
 *   + pool web backend 10.0.0.7:80 weight 3 state draining
 *   - pool web backend 10.0.0.6:80
 *   ~ pool web backend 10.0.0.5:80 weight 1 -> 3
 *   ~ pool web backend 10.0.0.5:80 state active -> draining
 *   ~ pool web backend order 10.0.0.5:80, 10.0.0.7:80 -> 10.0.0.7:80, 10.0.0.5:80
 * </pre>
 *
 * <p>Pools come in name order; within a pool, its own fields in field-number order, then backends
 * in the order the pools list them. The third word of every line is the pool's name. Field paths
 * are the API's (snake_case, relative to Pool or Backend); enums are lower case with hyphens,
 * durations in their shortest unit, timestamps in RFC 3339.
 */
public final class ConfigDiff {
  private static final String UNSET = "unset";
  private static final Set<String> POOL_SKIPPED = Set.of("name", "backends");
  private static final Set<String> BACKEND_SKIPPED = Set.of("address");

  private ConfigDiff() {}

  /** The lines joined with newlines, without a trailing one; empty if the pools are equal. */
  public static String between(List<Pool> before, List<Pool> after) {
    return String.join("\n", lines(before, after));
  }

  public static List<String> lines(List<Pool> before, List<Pool> after) {
    Map<String, Pool> old = byName(before);
    Map<String, Pool> now = byName(after);
    Set<String> names = new TreeSet<>(old.keySet());
    names.addAll(now.keySet());
    List<String> lines = new ArrayList<>();
    for (String name : names) {
      Pool was = old.get(name);
      Pool is = now.get(name);
      if (was == null) {
        added(is, lines);
      } else if (is == null) {
        lines.add("- pool " + name);
      } else if (!was.equals(is)) {
        changed(was, is, lines);
      }
    }
    return lines;
  }

  private static void added(Pool pool, List<String> lines) {
    String prefix = "+ pool " + pool.getName();
    Map<String, Leaf> fields = leaves(pool, POOL_SKIPPED);
    Leaf listen = fields.remove("listen");
    Leaf algorithm = fields.remove("algorithm");
    lines.add(prefix + " listen " + text(listen) + " algorithm " + text(algorithm));
    fields.forEach((path, leaf) -> lines.add(prefix + " " + path + " " + leaf.text()));
    for (Backend backend : pool.getBackendsList()) {
      lines.add(prefix + " backend " + backend.getAddress() + describe(backend));
    }
  }

  private static void changed(Pool was, Pool is, List<String> lines) {
    String prefix = "~ pool " + is.getName();
    compare(prefix + " ", leaves(was, POOL_SKIPPED), leaves(is, POOL_SKIPPED), lines);

    Map<String, Backend> oldBackends = backendsByAddress(was);
    Map<String, Backend> newBackends = backendsByAddress(is);
    for (Backend backend : is.getBackendsList()) {
      Backend before = oldBackends.get(backend.getAddress());
      if (before == null) {
        lines.add(
            "+ pool " + is.getName() + " backend " + backend.getAddress() + describe(backend));
      } else if (!before.equals(backend)) {
        compare(
            prefix + " backend " + backend.getAddress() + " ",
            leaves(before, BACKEND_SKIPPED),
            leaves(backend, BACKEND_SKIPPED),
            lines);
      }
    }
    for (Backend backend : was.getBackendsList()) {
      if (!newBackends.containsKey(backend.getAddress())) {
        lines.add("- pool " + is.getName() + " backend " + backend.getAddress());
      }
    }
    List<String> oldOrder =
        was.getBackendsList().stream()
            .map(Backend::getAddress)
            .filter(newBackends::containsKey)
            .collect(Collectors.toList());
    List<String> newOrder =
        is.getBackendsList().stream()
            .map(Backend::getAddress)
            .filter(oldBackends::containsKey)
            .collect(Collectors.toList());
    if (!oldOrder.equals(newOrder)) {
      lines.add(
          prefix
              + " backend order "
              + String.join(", ", oldOrder)
              + " -> "
              + String.join(", ", newOrder));
    }
  }

  /** " weight 3", then the state unless ACTIVE, then any other field that is set. */
  private static String describe(Backend backend) {
    StringBuilder text = new StringBuilder(" weight ").append(backend.getWeight());
    if (backend.getState() != BackendState.ACTIVE) {
      text.append(" state ").append(enumText(backend.getState().getValueDescriptor()));
    }
    Set<String> shown = Set.of("address", "weight", "state");
    leaves(backend, shown)
        .forEach((path, leaf) -> text.append(' ').append(path).append(' ').append(leaf.text()));
    return text.toString();
  }

  /** One "~" line per path whose value differs, in field-number order. */
  private static void compare(
      String prefix, Map<String, Leaf> before, Map<String, Leaf> after, List<String> lines) {
    Map<List<Integer>, String> paths = new TreeMap<>(ConfigDiff::compareNumbers);
    before.forEach((path, leaf) -> paths.put(leaf.numbers(), path));
    after.forEach((path, leaf) -> paths.put(leaf.numbers(), path));
    for (String path : paths.values()) {
      String old = text(before.get(path));
      String now = text(after.get(path));
      if (!old.equals(now)) {
        lines.add(prefix + path + " " + old + " -> " + now);
      }
    }
  }

  /** Every set scalar (or empty message) below {@code message}, by dotted path, in DFS order. */
  private static Map<String, Leaf> leaves(Message message, Set<String> skipped) {
    Map<String, Leaf> leaves = new LinkedHashMap<>();
    collect("", List.of(), message, skipped, leaves);
    return leaves;
  }

  private static void collect(
      String prefix,
      List<Integer> numbers,
      Message message,
      Set<String> skipped,
      Map<String, Leaf> into) {
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (prefix.isEmpty() && skipped.contains(descriptor.getName())) {
        continue;
      }
      String path = prefix + descriptor.getName();
      List<Integer> fieldNumbers = new ArrayList<>(numbers);
      fieldNumbers.add(descriptor.getNumber());
      Object value = field.getValue();
      if (descriptor.isRepeated()) {
        into.put(
            path,
            new Leaf(
                fieldNumbers,
                ((List<?>) value)
                    .stream()
                        .map(v -> valueText(descriptor, v))
                        .collect(Collectors.joining(", ", "[", "]"))));
      } else if (value instanceof Message child && !isValue(child)) {
        if (child.getAllFields().isEmpty()) {
          into.put(path, new Leaf(fieldNumbers, "{}"));
        } else {
          collect(path + ".", fieldNumbers, child, skipped, into);
        }
      } else {
        into.put(path, new Leaf(fieldNumbers, valueText(descriptor, value)));
      }
    }
  }

  /** Messages that read as one value rather than as fields of their own. */
  private static boolean isValue(Message message) {
    return message instanceof Duration || message instanceof Timestamp;
  }

  private static String valueText(FieldDescriptor descriptor, Object value) {
    if (value instanceof EnumValueDescriptor enumValue) {
      return enumText(enumValue);
    }
    if (value instanceof Duration duration) {
      return DurationRules.format(duration);
    }
    if (value instanceof Timestamp timestamp) {
      return Timestamps.isValid(timestamp)
          ? Timestamps.toString(timestamp)
          : timestamp.getSeconds() + "s+" + timestamp.getNanos() + "ns";
    }
    if (value instanceof Message message) {
      return TextFormat.shortDebugString(message);
    }
    if (value instanceof String string) {
      return string.isEmpty() || string.chars().anyMatch(c -> c <= ' ' || c == '"')
          ? '"' + string.replace("\\", "\\\\").replace("\"", "\\\"") + '"'
          : string;
    }
    if (value instanceof Integer number && isUnsigned(descriptor)) {
      return Integer.toUnsignedString(number);
    }
    if (value instanceof Long number && isUnsigned(descriptor)) {
      return Long.toUnsignedString(number);
    }
    return String.valueOf(value);
  }

  private static boolean isUnsigned(FieldDescriptor descriptor) {
    return switch (descriptor.getType()) {
      case UINT32, FIXED32, UINT64, FIXED64 -> true;
      default -> false;
    };
  }

  private static String text(Leaf leaf) {
    return leaf == null ? UNSET : leaf.text();
  }

  private static String enumText(EnumValueDescriptor value) {
    return value.getName().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static int compareNumbers(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Integer.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static Map<String, Pool> byName(List<Pool> pools) {
    Map<String, Pool> byName = new LinkedHashMap<>();
    pools.forEach(p -> byName.put(p.getName(), p));
    return byName;
  }

  private static Map<String, Backend> backendsByAddress(Pool pool) {
    Map<String, Backend> byAddress = new LinkedHashMap<>();
    pool.getBackendsList().forEach(b -> byAddress.put(b.getAddress(), b));
    return byAddress;
  }

  /** A field's value as the diff prints it, and its field numbers from the root for ordering. */
  private record Leaf(List<Integer> numbers, String text) {}
}
