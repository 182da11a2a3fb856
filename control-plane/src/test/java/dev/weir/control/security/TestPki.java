package dev.weir.control.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for TLS tests: a CA and the server and client certificates it
 * signs, written as the PEM files the programs' --tls-* flags take (EC P-256 keys, PKCS#8). Shared
 * with the e2e tests through this module's test jar.
 */
public final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** A certificate with its key, in memory and as PEM files. */
  public record Issued(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {}

  private final Path dir;
  private final String name;
  private final Issued ca;

  private TestPki(Path dir, String name, Issued ca) {
    this.dir = dir;
    this.name = name;
    this.ca = ca;
  }

  /** A new CA called {@code name}, its files under {@code dir}. */
  public static TestPki create(Path dir, String name) throws IOException {
    KeyPair keys = newKeyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = builder(subject, subject, keys, Instant.now());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    X509Certificate certificate = sign(builder, keys.getPrivate());
    return new TestPki(dir, name, write(dir, name + "-ca", certificate, keys.getPrivate()));
  }

  /** The CA certificate's PEM file, for --tls-ca. */
  public Path caFile() {
    return ca.certFile();
  }

  /** A server certificate for 127.0.0.1, ::1 and localhost. */
  public Issued server(String commonName) throws IOException {
    return issue(commonName, KeyPurposeId.id_kp_serverAuth, localNames(), Instant.now());
  }

  /** A server certificate as {@link #server}, that expired at {@code notAfter}. */
  public Issued expiredServer(String commonName, Instant notAfter) throws IOException {
    return issue(
        commonName,
        KeyPurposeId.id_kp_serverAuth,
        localNames(),
        notAfter.minus(Duration.ofDays(1)));
  }

  /** A client certificate whose subject is {@code CN=commonName}. */
  public Issued client(String commonName) throws IOException {
    return issue(commonName, KeyPurposeId.id_kp_clientAuth, null, Instant.now());
  }

  /** A client certificate as {@link #client}, that expired at {@code notAfter}. */
  public Issued expiredClient(String commonName, Instant notAfter) throws IOException {
    return issue(
        commonName, KeyPurposeId.id_kp_clientAuth, null, notAfter.minus(Duration.ofDays(1)));
  }

  private static GeneralNames localNames() {
    return new GeneralNames(
        new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, "::1"),
          new GeneralName(GeneralName.dNSName, "localhost")
        });
  }

  // Valid from an hour before {@code issued} until a day after it.
  private Issued issue(String commonName, KeyPurposeId purpose, GeneralNames names, Instant issued)
      throws IOException {
    KeyPair keys = newKeyPair();
    X509v3CertificateBuilder builder =
        builder(new X500Name("CN=" + name), new X500Name("CN=" + commonName), keys, issued);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    if (names != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, names);
    }
    X509Certificate certificate = sign(builder, ca.key());
    return write(dir, name + "-" + commonName, certificate, keys.getPrivate());
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys, Instant now) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued write(Path dir, String stem, X509Certificate certificate, PrivateKey key)
      throws IOException {
    Files.createDirectories(dir);
    Path certFile = dir.resolve(stem + ".crt");
    Path keyFile = dir.resolve(stem + ".key");
    try {
      Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    return new Issued(certificate, key, certFile, keyFile);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
