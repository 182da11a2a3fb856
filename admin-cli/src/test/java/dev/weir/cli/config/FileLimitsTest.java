package dev.weir.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What weirctl reads from a file, at most: hostile or mistaken input costs little. */
class FileLimitsTest {

  private static final String TOO_LARGE =
      " is larger than 8 MiB, the most the control plane " + "accepts\n";

  @TempDir Path dir;
  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondTo(
            ExportConfigRequest.class,
            ExportConfigResponse.newBuilder().setConfigVersion(4).build())
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder().setConfigVersion(5).setDiff("+ pool web").build());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void anEndlessFileIsRefusedAtTheSizeLimitBeforeAnyOfItIsParsed() {
    Path zero = Path.of("/dev/zero");
    assumeThat(Files.isReadable(zero)).as("a system with /dev/zero").isTrue();

    long start = System.nanoTime();
    Result result = controlPlane.cli().run("apply", "-f", zero.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: /dev/zero" + TOO_LARGE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aYamlFileWithAHugeNameIsRefusedByItsSizeWithoutParsingIt() throws Exception {
    Path file = dir.resolve("huge.yaml");
    Files.writeString(file, "pools:\n  - name: " + "a".repeat(10_000_000) + "\n");

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: " + file + TOO_LARGE);
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aFileOfExactlyTheLimitIsRead() throws Exception {
    String line = "#".repeat(99) + "\n";
    String head = "pools: []\n";
    int padding = ConfigFile.MAX_BYTES - head.length();
    Path file = dir.resolve("padded.yaml");
    Files.writeString(
        file,
        head
            + line.repeat(padding / line.length())
            + "#".repeat(padding % line.length() - 1)
            + "\n");
    assertThat(Files.size(file)).isEqualTo(ConfigFile.MAX_BYTES);

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
  }

  @Test
  void aYamlLineTooLongForAnyConfigurationIsRefusedBeforeItIsParsed() throws Exception {
    // SnakeYAML would take tens of seconds over one scalar of megabytes.
    Path file = dir.resolve("long.yaml");
    Files.writeString(file, "pools:\n  - name: " + "a".repeat(7_000_000) + "\n");

    long start = System.nanoTime();
    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.err())
        .isEqualTo(
            "error: "
                + file
                + " is not a Weir configuration: line 2 "
                + "is 7000010 characters long, more than the 65536 a YAML configuration may have (JSON, "
                + "in a file not named .yaml, may have longer lines)\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void stdinIsReadWithTheSameLimit() {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return ' ';
          }
        };

    Result tooLarge = withStdin(endless, "apply", "-f", "-");
    Result pool =
        withStdin(
            new ByteArrayInputStream(
                "name: web\nlisten: \":8080\"\n".getBytes(StandardCharsets.UTF_8)),
            "apply",
            "-f",
            "-");

    assertThat(tooLarge.err()).isEqualTo("error: stdin" + TOO_LARGE);
    assertThat(pool.exitCode()).as(pool.err()).isZero();
    assertThat(controlPlane.service().requests(ImportConfigRequest.class)).hasSize(1);
  }

  @Test
  void deeplyNestedYamlIsRefusedWithoutRecursingIntoIt() throws Exception {
    Path file = dir.resolve("deep.yaml");
    Files.writeString(file, "pools: " + "[\n".repeat(100_000) + "]\n".repeat(100_000));

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: " + file + " is not a Weir configuration: ")
        .contains("Nesting Depth");
    assertThat(result.errLines()).hasSize(1);
  }

  @Test
  void aFileThatIsNotUtf8IsNamedAsSuch() throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xe9});

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.err()).isEqualTo("error: cannot read " + file + ": not UTF-8 text\n");
  }

  private Result withStdin(InputStream in, String... args) {
    InputStream original = System.in;
    System.setIn(in);
    try {
      return controlPlane.cli().run(args);
    } finally {
      System.setIn(original);
    }
  }
}
