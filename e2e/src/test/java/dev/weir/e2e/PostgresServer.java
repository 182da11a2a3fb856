package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.control.testing.Installed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A throwaway PostgreSQL server from Debian's package (user "weir", trust authentication) on a
 * loopback port, with TLS when given a certificate. As root it runs as the package's postgres user,
 * since PostgreSQL will not run as root. Closing it stops it and deletes its files.
 */
final class PostgresServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path home;
  private final RunningProgram process;
  private final int port;

  private PostgresServer(Path home, RunningProgram process, int port) {
    this.home = home;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts one, its log in {@code logDir}.
   *
   * @param cert a PEM certificate to serve TLS with (and {@code key}'s), or null for none
   */
  static PostgresServer start(String name, Path logDir, Path cert, Path key) throws Exception {
    Path bin = bin();
    Installed.require(
        Installed.onPath("psql") != null,
        "psql is not on the PATH; install it with: apt-get install -y postgresql-client");
    boolean root = isRoot();
    // setpriv execs, so stopping the process stops PostgreSQL itself.
    List<String> asOwner =
        root
            ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups")
            : List.of();
    Path home = Files.createTempDirectory("weir-pg-");
    try {
      Path data = home.resolve("data");
      if (root) {
        run(List.of("chmod", "755", home.toString()));
        run(List.of("chown", "postgres", home.toString()));
      }
      run(
          concat(
              asOwner,
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-A",
              "trust",
              "-U",
              "weir",
              "--no-sync"));
      int port = Fleet.freePortOn("127.0.0.1");
      List<String> command =
          concat(
              asOwner,
              bin.resolve("postgres").toString(),
              "-D",
              data.toString(),
              "-p",
              "" + port,
              "-k",
              home.toString(),
              "-c",
              "listen_addresses=127.0.0.1",
              "-c",
              "fsync=off");
      if (cert != null) {
        // PostgreSQL refuses a key others can read, or one it does not own.
        Path ownCert = Files.copy(cert, home.resolve("server.crt"));
        Path ownKey = Files.copy(key, home.resolve("server.key"));
        run(List.of("chmod", "600", ownKey.toString(), ownCert.toString()));
        if (root) {
          run(List.of("chown", "postgres", ownKey.toString(), ownCert.toString()));
        }
        command = new ArrayList<>(command);
        command.addAll(
            List.of(
                "-c", "ssl=on", "-c", "ssl_cert_file=" + ownCert, "-c", "ssl_key_file=" + ownKey));
      }
      RunningProgram process = RunningProgram.start(name, logDir, command);
      process.awaitLine(Pattern.compile("ready to accept connections"), START_TIMEOUT);
      return new PostgresServer(home, process, port);
    } catch (Exception | AssertionError e) {
      run(List.of("rm", "-rf", home.toString()));
      throw e;
    }
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    try {
      process.close();
    } finally {
      run(List.of("rm", "-rf", home.toString()));
    }
  }

  private static Path bin() throws IOException {
    Path versions = Path.of("/usr/lib/postgresql");
    Path found = null;
    if (Files.isDirectory(versions)) {
      try (var dirs = Files.list(versions)) {
        found =
            dirs.map(d -> d.resolve("bin"))
                .filter(d -> Files.isExecutable(d.resolve("initdb")))
                .max(Path::compareTo)
                .orElse(null);
      }
    }
    Installed.require(
        found != null,
        "no PostgreSQL server (initdb) in "
            + "/usr/lib/postgresql/*/bin; install it with: apt-get install -y postgresql");
    return found;
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes()).strip();
    id.waitFor();
    return uid.equals("0");
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
  }

  private static List<String> concat(List<String> prefix, String... command) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(command));
    return all;
  }
}
