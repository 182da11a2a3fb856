package dev.weir.cli.config;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.Pool;
import dev.weir.cli.output.ApiJson;
import dev.weir.cli.output.Yaml;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The export file: an {@link ExportConfigResponse} as JSON (or the same as YAML, which {@code
 * apply} and {@code import} also read), printed as {@code -o json} prints it ({@link ApiJson}: the
 * API's field names in lowerCamelCase, pools with only the fields that are set). Read strictly: an
 * unknown field is an error rather than silently dropped, since a typo would lose settings. Enum
 * values may be written as the CLI's flags spell them ({@link ConfigTree}).
 *
 * <p>A file is read only up to the size of the largest request the control plane takes, before any
 * of it is parsed: {@code apply -f /dev/zero} is refused at once, not when memory runs out.
 */
final class ConfigFile {
  /**
   * The largest file read: the control plane's largest request (its gRPC max inbound message size,
   * ControlPlane.MAX_INBOUND_MESSAGE_BYTES); a bigger configuration could not be sent.
   */
  static final int MAX_BYTES = 8 << 20;

  /** {@code -f -}: standard input. */
  static final String STDIN = "-";

  private static final int MAX_PROBLEM = 400;
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final Gson GSON = new Gson();
  private static final String SHAPE =
      "{\"configVersion\": N, \"pools\": [{\"name\": ..., "
          + "\"listen\": ..., \"backends\": [...]}, ...]}";

  private ConfigFile() {}

  static String json(ExportConfigResponse config) {
    return ApiJson.pretty(config) + "\n";
  }

  /** Writes beside {@code file} first, then moves it over, so a failed write leaves no half. */
  static void write(Path file, ExportConfigResponse config) {
    Path absolute = file.toAbsolutePath();
    Path temporary = null;
    try {
      temporary = Files.createTempFile(absolute.getParent(), "." + file.getFileName(), ".tmp");
      Files.writeString(temporary, json(config), StandardCharsets.UTF_8);
      Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(temporary);
      throw new ConfigFileException("cannot write " + file + ": " + reason(e));
    }
  }

  /**
   * A configuration as read from a file.
   *
   * @param versioned whether the file says which config version it was read at ({@code
   *     configVersion}); a hand-written one may not
   */
  record Contents(ExportConfigResponse config, boolean versioned) {}

  /**
   * The whole configuration in {@code file}, for {@code import}.
   *
   * @throws ConfigFileException naming the file and what is wrong with it, also when it has no
   *     {@code pools} key: proto3 would read that as no pools, and importing it would delete every
   *     pool; and when it is one pool (a {@code name} at the top), since importing that would
   *     delete every other pool
   */
  static Contents read(Path file) {
    return read(file, false);
  }

  /**
   * The pools in {@code file}, for {@code apply}: as {@link #read(Path)}, but a file holding one
   * pool (its {@code name}, {@code listen} ... at the top level) is taken as a file with that one
   * pool, as a person writing a file for one pool would write it.
   */
  static Contents readPools(Path file) {
    return read(file, true);
  }

  private static Contents read(Path file, boolean onePoolAllowed) {
    String name = STDIN.equals(file.toString()) ? "stdin" : file.toString();
    String text = text(file, name);
    if (text.isBlank()) {
      throw new ConfigFileException(
          name
              + " is empty; expected the JSON or YAML 'weirctl "
              + "export' and 'weirctl get' write");
    }
    JsonObject top;
    try {
      JsonElement tree = JsonParser.parseString(isYaml(file, text) ? Yaml.toJson(text) : text);
      if (!tree.isJsonObject()) {
        throw new IllegalArgumentException(
            "expected an object with a \"pools\" key, got "
                + kind(tree)
                + "; as 'weirctl get -o yaml' writes it: "
                + SHAPE);
      }
      top = tree.getAsJsonObject();
    } catch (RuntimeException e) {
      // Gson names the line and column, SnakeYAML the line, in its message.
      throw new ConfigFileException(name + " is not a Weir configuration: " + problem(e));
    }
    boolean onePool = !top.has("pools") && top.has("name");
    if (onePool && !onePoolAllowed) {
      throw new ConfigFileException(
          name
              + " holds one pool (it has \"name\" at the top), but "
              + "import replaces the whole configuration with the file's: give every pool under a "
              + "\"pools\" key, as 'weirctl export' writes it ("
              + SHAPE
              + "), or use 'weirctl apply "
              + "-f' to create or replace just this pool");
    }
    if (!onePool && !top.has("pools")) {
      throw new ConfigFileException(
          name
              + " has no \"pools\" key, so it does not say which "
              + "pools to keep; expected what 'weirctl export' and 'weirctl get -o yaml' write: "
              + SHAPE
              + " (to delete every pool: \"pools\": [] and --delete-all)");
    }
    ExportConfigResponse.Builder config = ExportConfigResponse.newBuilder();
    try {
      if (onePool) {
        // Checked as a pool first, so messages name fields as the file has them ("algorithm",
        // not "pools[0].algorithm").
        ConfigTree.normalize(top, Pool.getDescriptor(), "");
        JsonArray pools = new JsonArray();
        pools.add(top);
        top = new JsonObject();
        top.add("pools", pools);
      }
      ConfigTree.normalize(top, ExportConfigResponse.getDescriptor(), "");
      PARSER.merge(GSON.toJson(top), config);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // ConfigTree and JsonFormat name the field in their messages.
      throw new ConfigFileException(name + " is not a Weir configuration: " + problem(e));
    }
    return new Contents(config.build(), top.has("configVersion"));
  }

  /** The file's text, read only up to {@link #MAX_BYTES}, then checked to be UTF-8. */
  private static String text(Path file, String name) {
    byte[] bytes;
    try {
      if (STDIN.equals(file.toString())) {
        // Not closed: stdin is weirctl's, not this file's.
        bytes = System.in.readNBytes(MAX_BYTES + 1);
      } else {
        try (InputStream in = Files.newInputStream(file)) {
          bytes = in.readNBytes(MAX_BYTES + 1);
        }
      }
    } catch (IOException e) {
      throw new ConfigFileException("cannot read " + name + ": " + reason(e));
    }
    if (bytes.length > MAX_BYTES) {
      throw new ConfigFileException(
          name
              + " is larger than "
              + (MAX_BYTES >> 20)
              + " MiB, the "
              + "most the control plane accepts");
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      // A byte order mark, as some editors write one, is not part of the document.
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new ConfigFileException("cannot read " + name + ": not UTF-8 text");
    }
  }

  private static String kind(JsonElement tree) {
    if (tree.isJsonArray()) {
      return "a list";
    }
    if (tree.isJsonNull()) {
      return "nothing";
    }
    return "the value " + ConfigTree.quoted(tree.getAsString());
  }

  /** By its name (.yaml, .yml), else by its content: JSON starts with "{". */
  private static boolean isYaml(Path file, String text) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return true;
    }
    return !text.stripLeading().startsWith("{");
  }

  private static String problem(Exception e) {
    String message = e.getMessage();
    Throwable cause = e.getCause();
    if ((message == null || message.isBlank()) && cause != null) {
      message = cause.getMessage();
    }
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    // Gson's messages start with its exception's class name; the rest is what matters.
    message = message.replaceFirst("^[\\w.]+(Exception|Error): ", "");
    // A parser may quote the value it refuses, which a hostile file makes megabytes long.
    return message.length() <= MAX_PROBLEM
        ? message
        : message.substring(0, MAX_PROBLEM) + "... (" + message.length() + " characters)";
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // Best effort: the write already failed, and that is what is reported.
      }
    }
  }
}
