package dev.weir.cli.output;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * YAML as another spelling of the API's proto3 JSON: the same field names and values, so what
 * {@code -o yaml} prints, {@code apply -f} reads, and both map 1:1 onto the v1 messages (JsonFormat
 * does the mapping; this class only converts between the two notations).
 */
public final class Yaml {

  // At most a few MiB of configuration; the limits stop a hostile file (alias bombs, huge
  // documents) from costing more than that.
  private static final int MAX_CODE_POINTS = 8 << 20;
  private static final int MAX_NESTING = 50;
  private static final int MAX_LINE_LENGTH = 64 << 10;
  private static final Gson GSON = new Gson();

  private Yaml() {}

  /** The JSON text {@code json} as block-style YAML. */
  public static String fromJson(String json) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setWidth(100);
    org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(new Representer(options), options);
    return yaml.dump(plain(JsonParser.parseString(json)));
  }

  /**
   * The YAML document {@code text} as JSON text.
   *
   * @throws IllegalArgumentException with the parser's description of the problem (line and column
   *     included) when it is not one YAML document of plain data
   */
  public static String toJson(String text) {
    checkLineLengths(text);
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setMaxAliasesForCollections(10);
    // A configuration is a few levels deep; thousands of nested brackets are an attack.
    options.setNestingDepthLimit(MAX_NESTING);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(false);
    org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(new SafeConstructor(options));
    try {
      Object document = yaml.load(text);
      return GSON.toJson(document);
    } catch (YAMLException e) {
      throw new IllegalArgumentException(String.valueOf(e.getMessage()).strip(), e);
    }
  }

  /**
   * SnakeYAML keeps a whole token (a scalar, a comment) in its buffer and copies that buffer as it
   * grows, so one token of megabytes costs time in the square of its length (tens of seconds for 8
   * MB). No configuration has a line anywhere near this long.
   */
  private static void checkLineLengths(String text) {
    int line = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (i - start > MAX_LINE_LENGTH) {
          throw new IllegalArgumentException(
              "line "
                  + line
                  + " is "
                  + (i - start)
                  + " characters long, more than the "
                  + MAX_LINE_LENGTH
                  + " a YAML configuration "
                  + "may have (JSON, in a file not named .yaml, may have longer lines)");
        }
        line++;
        start = i + 1;
      }
    }
  }

  /** Gson's tree as maps, lists and scalars, which SnakeYAML writes without type tags. */
  private static Object plain(JsonElement element) {
    if (element.isJsonObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      element.getAsJsonObject().entrySet().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (element.isJsonArray()) {
      List<Object> list = new ArrayList<>();
      element.getAsJsonArray().forEach(e -> list.add(plain(e)));
      return list;
    }
    if (element.isJsonNull()) {
      return null;
    }
    var primitive = element.getAsJsonPrimitive();
    if (primitive.isBoolean()) {
      return primitive.getAsBoolean();
    }
    if (primitive.isNumber()) {
      String digits = primitive.getAsString();
      return digits.matches("-?\\d+") ? (Object) new BigInteger(digits) : primitive.getAsDouble();
    }
    return primitive.getAsString();
  }
}
