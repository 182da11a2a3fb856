package dev.weir.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which packages under a root refer to which, read from the sources: every import and every fully
 * qualified name outside comments counts, a Javadoc-only mention does not (as with jdeps). Reading
 * sources rather than classes also sees the constants the compiler inlines.
 */
public final class PackageGraph {
  private static final Pattern PACKAGE =
      Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  private final String root;
  // A type under root, named in full: lower-case packages, then the upper-case type.
  private final Pattern qualifiedName;
  // package -> package it refers to -> the first file that does, for the failure message
  private final Map<String, Map<String, String>> edges = new TreeMap<>();

  private PackageGraph(String root) {
    this.root = root;
    this.qualifiedName =
        Pattern.compile("\\b" + Pattern.quote(root) + "(\\.[a-z]\\w*)*\\.[A-Z]\\w*");
  }

  /** The graph of the packages under {@code root} in the source tree {@code sources}. */
  public static PackageGraph read(Path sources, String root) {
    PackageGraph graph = new PackageGraph(root);
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        graph.add(file.getFileName().toString(), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** The graph of the given files' texts, by file name; for testing the graph itself. */
  public static PackageGraph of(String root, Map<String, String> sources) {
    PackageGraph graph = new PackageGraph(root);
    new TreeMap<>(sources).forEach(graph::add);
    return graph;
  }

  private void add(String fileName, String text) {
    String code = withoutComments(text);
    Matcher declared = PACKAGE.matcher(code);
    if (!declared.find()) {
      return;
    }
    String from = declared.group(1);
    if (!from.equals(root) && !from.startsWith(root + ".")) {
      return;
    }
    edges.computeIfAbsent(from, p -> new TreeMap<>());
    Matcher named = qualifiedName.matcher(code.substring(declared.end()));
    while (named.find()) {
      String type = named.group();
      String to = type.substring(0, type.lastIndexOf('.'));
      if (!to.equals(from)) {
        edges.get(from).putIfAbsent(to, fileName);
      }
    }
  }

  /** This graph less the arrow from {@code from} to {@code to}, an exception to be removed. */
  public PackageGraph without(String from, String to) {
    edges.getOrDefault(from, new TreeMap<>()).remove(to);
    return this;
  }

  /**
   * Each set of packages that depend on each other in a circle, as lines "a -> b (File.java)" for
   * the arrows within it; empty if the arrows all point one way.
   */
  public List<String> cycles() {
    List<String> described = new ArrayList<>();
    for (Set<String> component : stronglyConnected()) {
      if (component.size() < 2) {
        continue;
      }
      List<String> arrows = new ArrayList<>();
      for (String from : component) {
        edges
            .get(from)
            .forEach(
                (to, file) -> {
                  if (component.contains(to)) {
                    arrows.add(shortName(from) + " -> " + shortName(to) + " (" + file + ")");
                  }
                });
      }
      described.add(String.join(", ", arrows));
    }
    return described;
  }

  private String shortName(String pkg) {
    return pkg.equals(root) ? "(root)" : pkg.substring(root.length() + 1);
  }

  /** Tarjan's algorithm: the packages split into sets that reach each other. */
  private List<Set<String>> stronglyConnected() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> components = new ArrayList<>();
    for (String start : edges.keySet()) {
      if (!index.containsKey(start)) {
        visit(start, index, low, stack, onStack, components);
      }
    }
    return components;
  }

  private void visit(
      String pkg,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> components) {
    index.put(pkg, index.size());
    low.put(pkg, index.get(pkg));
    stack.push(pkg);
    onStack.add(pkg);
    for (String next : edges.getOrDefault(pkg, Map.of()).keySet()) {
      if (!index.containsKey(next)) {
        visit(next, index, low, stack, onStack, components);
        low.put(pkg, Math.min(low.get(pkg), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(pkg, Math.min(low.get(pkg), index.get(next)));
      }
    }
    if (low.get(pkg).equals(index.get(pkg))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(pkg));
      components.add(component);
    }
  }

  /**
   * The text with comments blanked out; string and character literals are kept, so that a "//" or
   * "/*" inside one starts nothing.
   */
  static String withoutComments(String text) {
    StringBuilder code = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("//", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? text.length() : end + 2;
        code.append(' ');
      } else if (text.startsWith("\"\"\"", i)) {
        int end = text.indexOf("\"\"\"", i + 3);
        end = end < 0 ? text.length() : end + 3;
        code.append(text, i, end);
        i = end;
      } else if (text.charAt(i) == '"' || text.charAt(i) == '\'') {
        int end = literalEnd(text, i);
        code.append(text, i, end);
        i = end;
      } else {
        code.append(text.charAt(i++));
      }
    }
    return code.toString();
  }

  /** Just past the string or character literal that starts at {@code start}. */
  private static int literalEnd(String text, int start) {
    char quote = text.charAt(start);
    int i = start + 1;
    while (i < text.length() && text.charAt(i) != quote && text.charAt(i) != '\n') {
      i += text.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(i + 1, text.length());
  }

  @Override
  public String toString() {
    return edges.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .map(
            e ->
                shortName(e.getKey())
                    + " -> "
                    + e.getValue().keySet().stream()
                        .map(this::shortName)
                        .collect(Collectors.joining(", ")))
        .collect(Collectors.joining("\n"));
  }
}
