package dev.weir.cli.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A file's tree, checked against the API's messages before JsonFormat reads it, so that a file may
 * say what the CLI's flags say. An enum value may be written as its flag spelling ({@code
 * round-robin}, {@code tcp}, {@code draining}, {@code v2}) or as its API name ({@code
 * ROUND_ROBIN}), in any case; it is rewritten to the API name. A field that does not exist or a
 * value that is not one of the allowed ones is an error naming where it is in the file ({@code
 * pools[0].algorithm}) and what is allowed there, in the CLI's spelling.
 */
final class ConfigTree {

  // Values from a file are quoted in errors, but not at any length.
  private static final int MAX_QUOTED = 64;

  private ConfigTree() {}

  /**
   * Rewrites the enum values in {@code object}, a {@code type}, to their API names.
   *
   * @param path where {@code object} is in the file, for messages; empty at the top
   * @throws IllegalArgumentException naming the path of an unknown field or value
   */
  static void normalize(JsonObject object, Descriptor type, String path) {
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      String at = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
      FieldDescriptor field = field(type, entry.getKey());
      if (field == null) {
        throw new IllegalArgumentException(
            (path.isEmpty() ? "the top level" : path)
                + " has no field "
                + quoted(entry.getKey())
                + "; the fields there are "
                + type.getFields().stream()
                    .map(FieldDescriptor::getJsonName)
                    .collect(Collectors.joining(", ")));
      }
      JsonElement value = entry.getValue();
      if (field.isRepeated() && value.isJsonArray()) {
        JsonArray elements = value.getAsJsonArray();
        for (int i = 0; i < elements.size(); i++) {
          elements.set(i, normalize(elements.get(i), field, at + "[" + i + "]"));
        }
      } else {
        entry.setValue(normalize(value, field, at));
      }
    }
  }

  private static JsonElement normalize(JsonElement value, FieldDescriptor field, String at) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && value.isJsonObject()
        && !field.getMessageType().getFile().getPackage().equals("google.protobuf")) {
      normalize(value.getAsJsonObject(), field.getMessageType(), at);
    } else if (field.getJavaType() == FieldDescriptor.JavaType.ENUM
        && value.isJsonPrimitive()
        && value.getAsJsonPrimitive().isBoolean()) {
      // YAML 1.1 reads an unquoted off (as in "send: off") as false.
      String word = value.getAsBoolean() ? "on" : "off";
      return new JsonPrimitive(apiName(field.getEnumType(), word, at));
    } else if (field.getJavaType() == FieldDescriptor.JavaType.ENUM
        && value.isJsonPrimitive()
        && value.getAsJsonPrimitive().isString()
        && !value.getAsString().strip().matches("-?[0-9]+")) {
      return new JsonPrimitive(apiName(field.getEnumType(), value.getAsString(), at));
    }
    // Anything else is JsonFormat's to accept or refuse, with its own message.
    return value;
  }

  /** The field {@code key} names: its JSON name, or its name in the .proto file. */
  private static FieldDescriptor field(Descriptor type, String key) {
    FieldDescriptor byName = type.findFieldByName(key);
    if (byName != null) {
      return byName;
    }
    return type.getFields().stream()
        .filter(f -> f.getJsonName().equals(key))
        .findFirst()
        .orElse(null);
  }

  private static String apiName(EnumDescriptor type, String given, String at) {
    String wanted = given.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    String prefix = commonPrefix(type);
    for (EnumValueDescriptor value : type.getValues()) {
      if (value.getName().equals(wanted) || value.getName().equals(prefix + wanted)) {
        return value.getName();
      }
    }
    throw new IllegalArgumentException(
        at + ": " + quoted(given) + " is not one of " + String.join(", ", cliNames(type)));
  }

  /** The flag spellings: the API names without their shared prefix, lower case, with dashes. */
  static List<String> cliNames(EnumDescriptor type) {
    String prefix = commonPrefix(type);
    List<String> names = new ArrayList<>();
    for (EnumValueDescriptor value : type.getValues()) {
      if (value.getNumber() == 0 && value.getName().endsWith("_UNSPECIFIED")) {
        continue;
      }
      names.add(
          value.getName().substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return names;
  }

  // "PROXY_PROTOCOL_" for PROXY_PROTOCOL_OFF, _V1 and _V2: the words every value starts with.
  private static String commonPrefix(EnumDescriptor type) {
    List<EnumValueDescriptor> values = type.getValues();
    if (values.size() < 2) {
      return "";
    }
    String prefix = values.get(0).getName();
    for (EnumValueDescriptor value : values) {
      while (!value.getName().startsWith(prefix)) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
    }
    int end = prefix.lastIndexOf('_');
    return end < 0 ? "" : prefix.substring(0, end + 1);
  }

  static String quoted(String text) {
    String shown =
        text.length() <= MAX_QUOTED
            ? text
            : text.substring(0, MAX_QUOTED) + "... (" + text.length() + " characters)";
    return "\"" + shown + "\"";
  }
}
