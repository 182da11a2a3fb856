package dev.weir.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and certificates it signs, made by the openssl command line in a directory of the
 * test's: real PEM files, as operators give the proxy.
 */
public final class TestCertificates {

  private final Path dir;
  private final Path caCert;
  private final Path caKey;

  /** Makes a CA named {@code name} in {@code dir}. */
  public TestCertificates(Path dir, String name) throws IOException, InterruptedException {
    this.dir = dir;
    this.caCert = dir.resolve(name + "-ca.pem");
    this.caKey = dir.resolve(name + "-ca.key");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        caKey.toString(),
        "-out",
        caCert.toString(),
        "-days",
        "30",
        "-subj",
        "/CN=" + name + " test CA");
  }

  public Path caFile() {
    return caCert;
  }

  /**
   * A leaf certificate signed by the CA, for {@code names} (its SANs; the first is its CN).
   *
   * @return the certificate file; its key is {@link #keyOf}
   */
  public Path issue(String file, String... names) throws IOException, InterruptedException {
    return issueWithSubject(file, "/CN=" + names[0], names);
  }

  /** As {@link #issue(String, String...)} with the subject given. */
  public Path issueWithSubject(String file, String subject, String... names)
      throws IOException, InterruptedException {
    Path cert = dir.resolve(file + ".pem");
    Path key = keyOf(cert);
    List<String> args =
        new ArrayList<>(
            List.of(
                "req",
                "-x509",
                "-CA",
                caCert.toString(),
                "-CAkey",
                caKey.toString(),
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "10",
                "-subj",
                subject));
    if (names.length > 0) {
      args.add("-addext");
      args.add(
          "subjectAltName="
              + String.join(",", java.util.Arrays.stream(names).map(n -> "DNS:" + n).toList()));
    }
    openssl(args.toArray(String[]::new));
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return cert;
  }

  /** The key file of a certificate {@link #issue} made. */
  public static Path keyOf(Path cert) {
    String name = cert.getFileName().toString().replaceFirst("\\.pem$", ".key");
    return cert.resolveSibling(name);
  }

  /** A JDK client context trusting this CA only. */
  public SSLContext clientContext() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", read(caCert));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * A JDK context that presents {@code cert} (a certificate {@link #issue} made) and trusts this
   * CA: a TLS backend's, or a client's for mTLS.
   */
  public SSLContext contextWith(Path cert) throws Exception {
    String pem = Files.readString(keyOf(cert), StandardCharsets.US_ASCII);
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("key", key, new char[0], new X509Certificate[] {read(cert)});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), clientContextTrust(), null);
    return context;
  }

  private javax.net.ssl.TrustManager[] clientContextTrust() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", read(caCert));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf.getTrustManagers();
  }

  public static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(
          "openssl "
              + String.join(" ", args)
              + " failed: "
              + new String(output, StandardCharsets.UTF_8));
    }
  }
}
