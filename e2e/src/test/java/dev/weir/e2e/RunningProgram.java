package dev.weir.e2e;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real process started by a test: its output is kept (and copied to a log file for when a test
 * fails), and it is always stopped by {@link #close()}.
 */
final class RunningProgram implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Path log;

  private RunningProgram(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static RunningProgram start(String name, Path logDir, List<String> command) {
    Path log = logDir.resolve(name + "-" + System.nanoTime() + ".log");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      RunningProgram program = new RunningProgram(name, process, log);
      Thread reader = new Thread(program::pump, name + "-output");
      reader.setDaemon(true);
      reader.start();
      return program;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  private void pump() {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        out.println(line);
      }
    } catch (IOException e) {
      // The process ended; what it printed so far is kept.
    }
  }

  /** Waits for a line matching {@code pattern} and returns its first group (or whole match). */
  String awaitLine(Pattern pattern, Duration timeout) {
    String[] found = new String[1];
    await(name + " to print " + pattern)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .failFast(
            name + " exited early; output: " + lines,
            () -> !process.isAlive() && lines.stream().noneMatch(l -> pattern.matcher(l).find()))
        .until(
            () -> {
              for (String line : lines) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                  found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  String name() {
    return name;
  }

  List<String> output() {
    return List.copyOf(lines);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + timeout + "; output: " + lines);
    }
    return process.exitValue();
  }

  /** SIGKILL: the process gets no chance to clean up. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL if it has not exited within five seconds. Idempotent. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
