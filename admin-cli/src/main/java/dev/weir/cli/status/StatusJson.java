package dev.weir.cli.status;

import com.google.protobuf.MessageOrBuilder;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.output.ApiJson;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code status -o json}: one object around the API's own messages, printed as every other command
 * prints them ({@link ApiJson}: 64-bit numbers as numbers):
 *
 * <pre>
 * {"controlPlane": "...", "configVersion": 42, "proxiesConnected": 2, "proxiesTotal": 3,
 *  "coverage": FleetCoverage, "pools": [PoolStatus...],
 *  "proxies": [ProxyInfo plus "versionsBehind"...]}
 * </pre>
 *
 * No AdminService message holds all of it, so the envelope is written here rather than added to the
 * API for one command.
 */
final class StatusJson {

  private StatusJson() {}

  static String render(FleetStatus fleet) {
    List<String> pools = new ArrayList<>();
    for (PoolStatus pool : fleet.pools()) {
      pools.add(message(pool));
    }
    List<String> proxies = new ArrayList<>();
    for (ProxyInfo proxy : fleet.proxies()) {
      String behind = Long.toString(fleet.versionsBehind(proxy));
      proxies.add(withFirstField("versionsBehind", behind, message(proxy)));
    }
    return "{\n"
        + field("controlPlane", quoted(fleet.controlPlane()))
        + ",\n"
        + field("configVersion", Long.toUnsignedString(fleet.configVersion()))
        + ",\n"
        + field("proxiesConnected", Long.toString(fleet.connectedProxies()))
        + ",\n"
        + field("proxiesTotal", Integer.toString(fleet.proxies().size()))
        + ",\n"
        // Only from a control plane that says which replicas it covers, so older ones' output
        // stays as it was.
        + (fleet.coverage().equals(FleetCoverage.getDefaultInstance())
            ? ""
            : field("coverage", message(fleet.coverage())) + ",\n")
        + field("pools", array(pools))
        + ",\n"
        + field("proxies", array(proxies))
        + "\n}\n";
  }

  private static String field(String name, String json) {
    return "  " + quoted(name) + ": " + indented(json);
  }

  private static String array(List<String> elements) {
    if (elements.isEmpty()) {
      return "[]";
    }
    StringBuilder json = new StringBuilder("[\n");
    for (int i = 0; i < elements.size(); i++) {
      json.append("  ").append(indented(elements.get(i)));
      json.append(i < elements.size() - 1 ? ",\n" : "\n");
    }
    return json.append(']').toString();
  }

  // Nested values are printed at the top level; every line after the first moves right.
  private static String indented(String json) {
    return json.replace("\n", "\n  ");
  }

  // JsonFormat prints "{\n  ...\n}"; the extra field goes first so the message's stays whole.
  private static String withFirstField(String name, String value, String object) {
    String rest = object.substring(1).strip();
    String separator = rest.equals("}") ? "\n" : ",\n  ";
    return "{\n  " + quoted(name) + ": " + value + separator + rest;
  }

  private static String message(MessageOrBuilder message) {
    return ApiJson.pretty(message);
  }

  static String quoted(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}
