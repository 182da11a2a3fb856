package dev.weir.control.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The auth file: who is who, and lines that cannot be right are refused naming the line. */
class AuthFileTest {

  @TempDir static Path dir;
  private static TestPki pki;

  @BeforeAll
  static void ca() throws IOException {
    pki = TestPki.create(dir, "auth-file-test-ca");
  }

  @Test
  void tokensAreFoundByTheirHashAndCertificatesByTheirCommonName() throws IOException {
    AuthFile file =
        AuthFile.parse(
            List.of(
                "# comment",
                "",
                "viewer grafana token-sha256:" + hex("t-grafana"),
                "admin  robot   token-sha256:" + hex("t-robot").toUpperCase(),
                "admin  alice   cert:ops-alice   # the on-call laptop",
                "proxy  edges   cert:edge-*"),
            "test");

    assertThat(file.byToken("t-grafana")).isEqualTo(new Caller("grafana", Role.VIEWER, "token"));
    assertThat(file.byToken("t-robot").name()).isEqualTo("robot");
    assertThat(file.byToken("t-nobody")).isNull();
    Caller alice = file.byCertificate(pki.client("ops-alice").certificate());
    assertThat(alice.name()).isEqualTo("alice");
    assertThat(alice.role()).isEqualTo(Role.ADMIN);
    assertThat(alice.credential()).isEqualTo("cert");
    assertThat(alice.certificateNames()).first().isEqualTo("ops-alice");
    assertThat(file.byCertificate(pki.client("edge-17").certificate()).name()).isEqualTo("edges");
    assertThat(file.byCertificate(pki.client("ops-bob").certificate())).isNull();
    assertThat(file.hasTokens()).isTrue();
    assertThat(file.hasCertificates()).isTrue();
  }

  @Test
  void aServerCertificatesDnsNamesCountToo() throws IOException {
    AuthFile file = AuthFile.parse(List.of("viewer probe cert:localhost"), "test");

    assertThat(file.byCertificate(pki.server("some-cn").certificate()).name()).isEqualTo("probe");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "boss alice cert:x | line 1: role must be one of admin, viewer, proxy, replica, got 'boss'",
        "admin alice | line 1: expected ROLE NAME CREDENTIAL, got 2 fields",
        "admin al/ice cert:x | line 1: name must be 1..128 of [A-Za-z0-9._@-], got 'al/ice'",
        "admin alice cert:a*b | line 1: cert: must be followed by a certificate CN or DNS name",
        "admin alice password:x | line 1: credential must be token-sha256:HEX or cert:NAME",
      })
  void aBadLineIsRefusedNamingIt(String line, String message) {
    assertThatThrownBy(() -> AuthFile.parse(List.of("# callers", line.strip()), "auth.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("auth file auth.txt " + message.replace("line 1", "line 2"));
  }

  @Test
  void aTokenPastedInsteadOfItsHashIsNeverEchoed() {
    String pasted = "my-real-secret-token";

    assertThatThrownBy(() -> AuthFile.parse(List.of("admin a token-sha256:" + pasted), "f"))
        .hasMessageContaining("64 hex digits")
        .hasMessageNotContaining(pasted);
    assertThatThrownBy(() -> AuthFile.parse(List.of("admin a " + pasted), "f"))
        .hasMessageContaining("not shown")
        .hasMessageNotContaining(pasted);
  }

  @Test
  void aNameIsUsedOnce() {
    assertThatThrownBy(() -> AuthFile.parse(List.of("admin a cert:x", "viewer a cert:y"), "f"))
        .hasMessage("auth file f line 2: name 'a' is used twice");
  }

  private static String hex(String token) {
    return HexFormat.of().formatHex(AuthFile.sha256(token));
  }
}
