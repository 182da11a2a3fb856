package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM flags bin/.launch gives weir-proxy (see docs/architecture.md, "Memory"), read back from
 * the JVM itself: {@code -XX:+PrintFlagsFinal} prints every flag's final value before {@code
 * --version} runs.
 */
class LauncherIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void theProxyRunsWithAFixedYoungGenerationAndATrimmedNativeHeap() throws Exception {
    List<String> flags = proxyFlags("-XX:+PrintFlagsFinal");

    assertThat(flag(flags, "MaxNewSize")).contains(String.valueOf(32L << 20));
    assertThat(flag(flags, "NewSize")).contains(String.valueOf(32L << 20));
    // Only JDKs from 17.0.9 on know the flag; where it is known, it is on.
    flag(flags, "TrimNativeHeapInterval").ifPresent(value -> assertThat(value).isEqualTo("5000"));
  }

  @Test
  void weirJavaOptsOverridesTheLaunchersDefaults() throws Exception {
    List<String> flags = proxyFlags("-Xmn64m -XX:+PrintFlagsFinal");

    assertThat(flag(flags, "MaxNewSize")).contains(String.valueOf(64L << 20));
  }

  private List<String> proxyFlags(String javaOpts) throws Exception {
    Path output = dir.resolve("weir-proxy-" + System.nanoTime() + ".out");
    Process proxy =
        new ProcessBuilder(
                "env",
                "WEIR_JAVA_OPTS=" + javaOpts,
                Fleet.HOME.resolve("bin/weir-proxy").toString(),
                "--version")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertThat(proxy.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("weir-proxy --version still running after %s", TIMEOUT)
          .isTrue();
      List<String> lines = Files.readAllLines(output);
      assertThat(proxy.exitValue()).as("%s", lines).isZero();
      return lines;
    } finally {
      proxy.destroyForcibly();
    }
  }

  /** A flag's value from -XX:+PrintFlagsFinal's table ("size_t MaxNewSize = 33554432 {...}"). */
  private static Optional<String> flag(List<String> flags, String name) {
    Pattern line = Pattern.compile("^\\s*\\S+\\s+" + name + "\\s+:?=\\s+(\\S+)");
    for (String text : flags) {
      Matcher m = line.matcher(text);
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }
}
