package dev.weir.api.tls;

import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Says why a TLS connection to the control plane failed, and which flag fixes it. grpc words all of
 * these "ssl exception" or "io exception" and keeps the reason in the cause chain, in the JDK's or
 * BoringSSL's words (an alert the server sent reads {@code Received fatal alert:
 * certificate_required} from one, {@code TLSV1_ALERT_CERTIFICATE_REQUIRED} from the other), so the
 * chain is matched on exception types first and alert names second.
 *
 * <p>The flags are the same for weirctl and weir-proxy: {@code --tls-ca}, {@code --tls-cert},
 * {@code --tls-key}.
 */
public final class TlsFailures {

  private static final Pattern NOT_AFTER = Pattern.compile("NotAfter: (.+)$");

  private TlsFailures() {}

  /**
   * Why {@code error}, a failed call over TLS, failed, naming the fix; empty if it is not a TLS
   * failure this knows.
   *
   * @param ca the file given to --tls-ca, or null
   * @param certificate the file given to --tls-cert, or null
   */
  public static Optional<String> explain(Throwable error, Path ca, Path certificate) {
    Status status = Status.fromThrowable(error);
    List<Throwable> chain = chain(status.getCause() != null ? status.getCause() : error);
    String text = text(status, chain);
    if (has(chain, "NotSslRecordException")
        || text.contains("not an ssl/tls record")
        || text.contains("unrecognized ssl message")
        || text.contains("wrong_version_number")) {
      return Optional.of(
          "it does not speak TLS (it answered in plaintext): leave out --tls-ca, "
              + "--tls-cert and --tls-key, or check the port");
    }
    CertificateExpiredException expired = find(chain, CertificateExpiredException.class);
    if (expired != null) {
      return Optional.of(
          "the control plane's certificate"
              + subject(chain)
              + " expired on "
              + notAfter(chain, expired)
              + "; it needs a new one");
    }
    CertificateNotYetValidException early = find(chain, CertificateNotYetValidException.class);
    if (early != null) {
      return Optional.of(
          "the control plane's certificate"
              + subject(chain)
              + " is not valid yet: "
              + early.getMessage()
              + " (check the clocks)");
    }
    // Checked here, on this side, before what the server's alert says.
    if (find(chain, CertPathBuilderException.class) != null
        || find(chain, CertPathValidatorException.class) != null
        || text.contains("unable to find valid certification path")
        || text.contains("pkix path")) {
      return Optional.of(
          ca != null
              ? "the control plane's certificate is not signed by the CA in --tls-ca " + ca
              : "the control plane's certificate is not signed by a CA the JDK trusts: add --tls-ca "
                  + "with the CA that signed it");
    }
    if (certificate != null && text.contains("certificate_expired")) {
      return Optional.of(
          "the control plane refused the client certificate in --tls-cert "
              + certificate
              + ": it expired"
              + fileNotAfter(certificate)
              + "; it needs a new one");
    }
    if (text.contains("certificate_required")
        || text.contains("bad_certificate")
        || text.contains("unknown_ca")
        || text.contains("certificate_unknown")) {
      if (certificate == null) {
        return Optional.of(
            "the control plane requires a client certificate: add --tls-cert " + "and --tls-key");
      }
      return Optional.of(
          "the control plane did not accept the client certificate in "
              + "--tls-cert "
              + certificate
              + ": it is not signed by a CA the control plane trusts "
              + "(its --tls-ca)");
    }
    if (text.contains("subject alternative")) {
      return Optional.of(
          "the control plane's certificate does not name the address connected "
              + "to: "
              + deepestMessage(chain));
    }
    SSLException ssl = find(chain, SSLException.class);
    if (ssl != null) {
      return Optional.of("TLS failed: " + deepestMessage(chain));
    }
    return Optional.empty();
  }

  private static List<Throwable> chain(Throwable first) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = first; t != null && chain.size() < 20; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static String text(Status status, List<Throwable> chain) {
    StringBuilder text = new StringBuilder(String.valueOf(status.getDescription()));
    for (Throwable t : chain) {
      text.append('\n').append(t.getMessage());
    }
    return text.toString().toLowerCase(Locale.ROOT);
  }

  private static boolean has(List<Throwable> chain, String simpleName) {
    return chain.stream().anyMatch(t -> t.getClass().getSimpleName().equals(simpleName));
  }

  private static <T extends Throwable> T find(List<Throwable> chain, Class<T> type) {
    for (Throwable t : chain) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  // The certificate the validator stopped at, when it says which.
  private static X509Certificate failedCertificate(List<Throwable> chain) {
    CertPathValidatorException invalid = find(chain, CertPathValidatorException.class);
    if (invalid == null || invalid.getCertPath() == null || invalid.getIndex() < 0) {
      return null;
    }
    List<? extends Certificate> path = invalid.getCertPath().getCertificates();
    return invalid.getIndex() < path.size()
            && path.get(invalid.getIndex()) instanceof X509Certificate x509
        ? x509
        : null;
  }

  private static String subject(List<Throwable> chain) {
    X509Certificate failed = failedCertificate(chain);
    return failed != null ? " (" + failed.getSubjectX500Principal().getName() + ")" : "";
  }

  private static String notAfter(List<Throwable> chain, CertificateExpiredException expired) {
    X509Certificate failed = failedCertificate(chain);
    if (failed != null) {
      return failed.getNotAfter().toInstant().toString();
    }
    Matcher matcher = NOT_AFTER.matcher(String.valueOf(expired.getMessage()));
    return matcher.find() ? matcher.group(1) : "(a date it does not say)";
  }

  private static String fileNotAfter(Path certificate) {
    if (certificate == null) {
      return "";
    }
    try (InputStream in = Files.newInputStream(certificate)) {
      Certificate first = CertificateFactory.getInstance("X.509").generateCertificate(in);
      if (first instanceof X509Certificate x509) {
        Instant notAfter = x509.getNotAfter().toInstant();
        return " on " + notAfter;
      }
    } catch (IOException | GeneralSecurityException e) {
      // The date is a courtesy; the reason stands without it.
    }
    return "";
  }

  private static String deepestMessage(List<Throwable> chain) {
    for (int i = chain.size() - 1; i >= 0; i--) {
      if (chain.get(i).getMessage() != null) {
        return chain.get(i).getMessage();
      }
    }
    return chain.isEmpty() ? "unknown" : chain.get(0).getClass().getSimpleName();
  }
}
