package dev.weir.cli.status;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code status -o json}: one object around the API's own messages, printed as every other
 * command prints them (proto3 JSON, default values included, 64-bit numbers as strings):
 *
 * <pre>
 * {"controlPlane": "...", "configVersion": "42", "proxiesConnected": 2, "proxiesTotal": 3,
 *  "pools": [PoolStatus...], "proxies": [ProxyInfo plus "versionsBehind"...]}
 * </pre>
 *
 * No AdminService message holds all of it, so the envelope is written here rather than added to
 * the API for one command.
 */
final class StatusJson {

  private static final JsonFormat.Printer API = JsonFormat.printer().includingDefaultValueFields();

  private StatusJson() {}

  static String render(FleetStatus fleet) {
    List<String> pools = new ArrayList<>();
    for (PoolStatus pool : fleet.pools()) {
      pools.add(message(pool));
    }
    List<String> proxies = new ArrayList<>();
    for (ProxyInfo proxy : fleet.proxies()) {
      String behind = quoted(Long.toString(fleet.versionsBehind(proxy)));
      proxies.add(withFirstField("versionsBehind", behind, message(proxy)));
    }
    return "{\n"
        + field("controlPlane", quoted(fleet.controlPlane()))
        + ",\n"
        + field("configVersion", quoted(Long.toUnsignedString(fleet.configVersion())))
        + ",\n"
        + field("proxiesConnected", Long.toString(fleet.connectedProxies()))
        + ",\n"
        + field("proxiesTotal", Integer.toString(fleet.proxies().size()))
        + ",\n"
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
    try {
      return API.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail, and the v1 API has none.
      throw new UncheckedIOException(e);
    }
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
