package dev.weir.cli.output;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.Pool;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The API's messages as {@code -o json} prints them: proto3 JSON, with two differences that make it
 * easier to use from scripts and to read.
 *
 * <ul>
 *   <li>64-bit numbers are JSON numbers ({@code "configVersion": 42}), not the strings proto3 JSON
 *       writes, so {@code jq '.activeConnections > 10'} compares numbers. JsonFormat reads both
 *       back.
 *   <li>Configuration messages (those of config.proto: pools, backends, settings) have only the
 *       fields that are set, since there zero means "the default" ({@code rise: 0} is not a rise of
 *       0, and {@code effectiveWeight: 0} is "not adapted"): what {@code get} prints is what {@code
 *       apply} should be given back. Every other message (responses, status, counts) has every
 *       field, 0 and false included: there a 0 is a measurement, and a key is not missing just
 *       because its count is 0.
 * </ul>
 *
 * The layout is JsonFormat's: two spaces per level, arrays on the line of their key.
 */
public final class ApiJson {

  private static final JsonFormat.Printer ALL_FIELDS =
      JsonFormat.printer().includingDefaultValueFields();
  private static final FileDescriptor CONFIG = Pool.getDescriptor().getFile();
  // Strings escaped as JsonFormat escapes them.
  private static final Gson GSON = new Gson();

  private ApiJson() {}

  /** {@code message} on several lines, indented. */
  public static String pretty(MessageOrBuilder message) {
    StringBuilder out = new StringBuilder();
    write(tree(message), "\n", "  ", out);
    return out.toString();
  }

  /** {@code message} on one line, for JSON Lines. */
  public static String compact(MessageOrBuilder message) {
    StringBuilder out = new StringBuilder();
    write(tree(message), "", "", out);
    return out.toString();
  }

  private static JsonObject tree(MessageOrBuilder message) {
    String json;
    try {
      json = ALL_FIELDS.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail, and the v1 API has none.
      throw new UncheckedIOException(e);
    }
    JsonObject tree = JsonParser.parseString(json).getAsJsonObject();
    adjust(tree, message);
    return tree;
  }

  private static void adjust(JsonObject json, MessageOrBuilder message) {
    boolean config = message.getDescriptorForType().getFile() == CONFIG;
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String key = field.getJsonName();
      if (!json.has(key)) {
        continue;
      }
      if (config && !isSet(message, field)) {
        json.remove(key);
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !isWellKnown(field)) {
        if (field.isRepeated()) {
          JsonArray elements = json.getAsJsonArray(key);
          List<?> values = (List<?>) message.getField(field);
          for (int i = 0; i < values.size(); i++) {
            adjust(elements.get(i).getAsJsonObject(), (MessageOrBuilder) values.get(i));
          }
        } else {
          adjust(json.getAsJsonObject(key), (MessageOrBuilder) message.getField(field));
        }
      } else if (is64Bit(field)) {
        json.add(key, asNumbers(json.get(key)));
      }
    }
  }

  private static boolean isSet(MessageOrBuilder message, FieldDescriptor field) {
    return field.isRepeated() ? message.getRepeatedFieldCount(field) > 0 : message.hasField(field);
  }

  // Duration, Timestamp and the like have a JSON form of their own (a string).
  private static boolean isWellKnown(FieldDescriptor field) {
    return field.getMessageType().getFile().getPackage().equals("google.protobuf");
  }

  private static boolean is64Bit(FieldDescriptor field) {
    return switch (field.getType()) {
      case INT64, UINT64, SINT64, FIXED64, SFIXED64 -> true;
      default -> false;
    };
  }

  private static JsonElement asNumbers(JsonElement value) {
    if (value.isJsonArray()) {
      JsonArray numbers = new JsonArray();
      value.getAsJsonArray().forEach(element -> numbers.add(asNumbers(element)));
      return numbers;
    }
    // JsonFormat writes these as decimal strings, uint64 without a sign.
    return new JsonPrimitive(new BigInteger(value.getAsString()));
  }

  // JsonFormat's layout: "{", a field per line, "}"; arrays inline, "[{" when of messages.
  // newline is what starts a line at the current depth: "\n" and its indentation, or "".
  private static void write(JsonElement value, String newline, String indent, StringBuilder out) {
    if (value.isJsonObject()) {
      out.append('{');
      String inner = newline.isEmpty() ? "" : newline + indent;
      boolean first = true;
      for (Map.Entry<String, JsonElement> field : value.getAsJsonObject().entrySet()) {
        out.append(first ? "" : ",").append(inner);
        out.append(GSON.toJson(field.getKey())).append(newline.isEmpty() ? ":" : ": ");
        write(field.getValue(), inner, indent, out);
        first = false;
      }
      out.append(newline).append('}');
    } else if (value.isJsonArray()) {
      out.append('[');
      boolean first = true;
      for (JsonElement element : value.getAsJsonArray()) {
        out.append(first ? "" : newline.isEmpty() ? "," : ", ");
        write(element, newline, indent, out);
        first = false;
      }
      out.append(']');
    } else {
      out.append(GSON.toJson(value));
    }
  }
}
