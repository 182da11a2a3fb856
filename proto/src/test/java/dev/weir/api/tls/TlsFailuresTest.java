package dev.weir.api.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsFailuresTest {

  private static final Path CA = Path.of("/etc/weir/ca.pem");
  private static final Path CERT = Path.of("/etc/weir/alice.pem");

  @Test
  void aPlaintextAnswerToTlsSaysTheControlPlaneDoesNotSpeakTls() {
    assertThat(explain(new NotSslRecordException("not an SSL/TLS record: 0000"), CA, null))
        .hasValueSatisfying(text -> assertThat(text).startsWith("it does not speak TLS"));
  }

  @Test
  void anExpiredServerCertificateSaysWhen() {
    Throwable cause = new SSLHandshakeException("PKIX path validation failed");
    cause.initCause(new CertificateExpiredException("NotAfter: Fri Dec 04 20:00:00 UTC 2026"));

    assertThat(explain(cause, CA, null))
        .hasValue(
            "the control plane's certificate expired on "
                + "Fri Dec 04 20:00:00 UTC 2026; it needs a new one");
  }

  @Test
  void aMissingClientCertificateNamesTheFlags() {
    SSLException alert =
        new SSLException(
            "error:10000410:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED");

    assertThat(explain(alert, CA, null))
        .hasValue("the control plane requires a client certificate: add --tls-cert and --tls-key");
  }

  @Test
  void aClientCertificateFromAnotherCaNamesTheFile() {
    SSLException alert = new SSLException("Received fatal alert: bad_certificate");

    assertThat(explain(alert, CA, CERT))
        .hasValueSatisfying(
            text ->
                assertThat(text)
                    .startsWith(
                        "the control plane did not accept the client certificate in --tls-cert "
                            + CERT));
  }

  @Test
  void anUntrustedServerNamesTheCaFile() {
    SSLHandshakeException failed =
        new SSLHandshakeException(
            "PKIX path building failed: unable to find valid certification path to requested target");

    assertThat(explain(failed, CA, null))
        .hasValue("the control plane's certificate is not signed by the CA in --tls-ca " + CA);
  }

  @Test
  void aFailureThatIsNotAboutTlsIsLeftAlone() {
    assertThat(
            TlsFailures.explain(
                Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException(),
                CA,
                null))
        .isEmpty();
  }

  private static java.util.Optional<String> explain(Throwable cause, Path ca, Path cert) {
    return TlsFailures.explain(
        Status.UNAVAILABLE.withDescription("ssl exception").withCause(cause).asRuntimeException(),
        ca,
        cert);
  }

  /** Named as Netty's, which the explanation knows by its simple name (it is shaded in grpc). */
  private static final class NotSslRecordException extends SSLException {
    NotSslRecordException(String message) {
      super(message);
    }
  }
}
