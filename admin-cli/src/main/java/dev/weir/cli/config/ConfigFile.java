package dev.weir.cli.config;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.cli.output.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The export file: an {@link ExportConfigResponse} as proto3 JSON (or the same as YAML, which
 * {@code apply} and {@code import} also read), with the API's field names
 * (lowerCamelCase) and default values written out, as {@code -o json} prints it. Read strictly:
 * an unknown field is an error rather than silently dropped, since a typo would lose settings.
 */
final class ConfigFile {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().includingDefaultValueFields();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ConfigFile() {}

  static String json(ExportConfigResponse config) {
    try {
      return PRINTER.print(config) + "\n";
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail, and the v1 API has none.
      throw new UncheckedIOException(e);
    }
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
   * @param versioned whether the file says which config version it was read at
   *     ({@code configVersion}); a hand-written one may not
   */
  record Contents(ExportConfigResponse config, boolean versioned) {}

  /**
   * @throws ConfigFileException naming the file and what is wrong with it, also when it has no
   *     {@code pools} key: proto3 would read that as no pools, and importing it would delete
   *     every pool
   */
  static Contents read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigFileException("cannot read " + file + ": " + reason(e));
    }
    if (text.isBlank()) {
      throw new ConfigFileException(file + " is empty; expected the JSON or YAML 'weirctl "
          + "export' and 'weirctl get' write");
    }
    ExportConfigResponse.Builder config = ExportConfigResponse.newBuilder();
    Struct keys;
    try {
      String json = isYaml(file, text) ? Yaml.toJson(text) : text;
      PARSER.merge(json, config);
      Struct.Builder top = Struct.newBuilder();
      PARSER.merge(json, top);
      keys = top.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // JsonFormat names the field, or Gson the line and column, in its message.
      throw new ConfigFileException(file + " is not a Weir configuration: " + problem(e));
    }
    if (!keys.containsFields("pools")) {
      throw new ConfigFileException(file + " has no \"pools\" key, so it does not say which "
          + "pools to keep; expected what 'weirctl export' and 'weirctl get -o yaml' write: "
          + "{\"configVersion\": N, \"pools\": [{\"name\": ..., \"listen\": ..., "
          + "\"backends\": [...]}, ...]} (to delete every pool: \"pools\": [] and "
          + "--delete-all)");
    }
    return new Contents(config.build(), keys.containsFields("configVersion"));
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
    return message.replaceFirst("^[\\w.]+(Exception|Error): ", "");
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof MalformedInputException) {
      return "not UTF-8 text";
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
