package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive operators install ({@code dist/target/weir-VERSION.tar.gz}): unpacked with the real
 * tar, its launchers run the programs from its own lib/, with nothing of this checkout.
 */
class DistributionIT {

  private static final String JAVA_OPTS =
      "WEIR_JAVA_OPTS=-Xmx128m -XX:+UseSerialGC " + "-XX:TieredStopAtLevel=1";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void unpackedArchiveHasEverythingAnOperatorNeedsAndItsProgramsRun() throws Exception {
    Path root = unpack();

    for (String program : List.of("weir-control", "weir-proxy", "weirctl", ".launch")) {
      assertThat(root.resolve("bin").resolve(program)).isExecutable();
    }
    for (String jar : List.of("weir-control.jar", "weir-proxy.jar", "weirctl.jar")) {
      assertThat(root.resolve("lib").resolve(jar)).isRegularFile();
    }
    for (String program : List.of("weir-control", "weir-proxy")) {
      String unit = Files.readString(root.resolve("systemd").resolve(program + ".service"));
      assertThat(unit)
          .contains("ExecStart=/opt/weir/bin/" + program + " $")
          .contains("EnvironmentFile=/etc/weir/" + program + ".env");
      assertThat(root.resolve("etc").resolve(program + ".env")).isRegularFile();
    }
    // Every host installed from the archive would otherwise share one proxy id.
    assertThat(Files.readAllLines(root.resolve("etc/weir-proxy.env")))
        .filteredOn(line -> line.startsWith("WEIR_PROXY_ARGS="))
        .singleElement()
        .asString()
        .doesNotContain("--id");
    assertThat(Files.readString(root.resolve("prometheus/weir-scrape.yml")))
        .contains("job_name: weir-control", "job_name: weir-proxy");
    assertThat(root.resolve("examples/web-pool.sh")).isExecutable();

    List<RunningProgram> programs = new ArrayList<>();
    try {
      RunningProgram control =
          start(
              programs,
              "weir-control",
              root.resolve("bin/weir-control"),
              "--listen",
              "127.0.0.1:0",
              "--data-dir",
              dir.resolve("control").toString());
      String port = control.awaitLine(Pattern.compile("listening on \\S+:(\\d+)"), TIMEOUT);
      RunningProgram proxy =
          start(
              programs,
              "weir-proxy",
              root.resolve("bin/weir-proxy"),
              "--control-plane",
              "127.0.0.1:" + port,
              "--id",
              "from-the-archive",
              "--state-dir",
              dir.resolve("proxy").toString(),
              "--shutdown-timeout",
              "2s");
      // Connected, and so counted by --wait below: else the pool could be created before the
      // proxy's stream is up, and --wait would have no proxy to wait for.
      proxy.awaitLine(Pattern.compile("applied config version \\d+"), TIMEOUT);

      RunningProgram created =
          start(
              programs,
              "weirctl",
              root.resolve("bin/weirctl"),
              "--control-plane",
              "127.0.0.1:" + port,
              "pool",
              "create",
              "web",
              "--listen",
              "127.0.0.1:" + freePort(),
              "--wait");
      assertThat(created.awaitExit(TIMEOUT)).as("%s", created.output()).isZero();
      assertThat(created.output()).anyMatch(line -> line.contains("applied on 1 proxy"));
    } finally {
      for (RunningProgram program : programs) {
        program.close();
      }
    }
  }

  @Test
  void theArchivesReadmeIsForPeopleWhoInstallItAndNamesOnlyWhatItHolds() throws Exception {
    Path root = unpack();
    String readme = Files.readString(root.resolve("README.md"));

    // Not the repository's README: no checkout, no Maven, no demo script here.
    assertThat(readme)
        .doesNotContain("mvn ", "weir-demo", "mvn verify")
        .contains("systemctl enable", "docs/architecture.md");
    assertThat(root.resolve("docs/architecture.md")).isRegularFile();
    Matcher path =
        Pattern.compile("(?<![\\w/.~-])(bin|lib|etc|systemd|prometheus|examples|docs)/[\\w.-]*")
            .matcher(readme);
    List<String> named = new ArrayList<>();
    while (path.find()) {
      named.add(path.group());
    }
    assertThat(named)
        .contains("bin/weirctl", "systemd/weir-proxy.service")
        .allSatisfy(p -> assertThat(root.resolve(p)).as("%s, named in README.md", p).exists());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Path unpack() throws IOException, InterruptedException {
    Path archive;
    try (Stream<Path> built = Files.list(Fleet.HOME.resolve("dist/target"))) {
      archive =
          built
              .filter(p -> p.getFileName().toString().matches("weir-.*\\.tar\\.gz"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no dist/target/weir-*.tar.gz: run these tests with mvn verify"));
    }
    Process tar =
        new ProcessBuilder("tar", "xzf", archive.toString(), "-C", dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(tar.getInputStream().readAllBytes());
    assertThat(tar.waitFor()).as("tar: %s", output).isZero();
    String name = archive.getFileName().toString().replace(".tar.gz", "");
    return dir.resolve(name);
  }

  private RunningProgram start(
      List<RunningProgram> programs, String name, Path launcher, String... args) {
    List<String> command = new ArrayList<>(List.of("env", JAVA_OPTS, launcher.toString()));
    command.addAll(List.of(args));
    RunningProgram program = RunningProgram.start(name, dir, command);
    programs.add(program);
    return program;
  }
}
