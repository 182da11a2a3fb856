package dev.weir.proxy.tls;

import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Reads certificate chains and private keys from PEM files with Netty's own readers (the ones its
 * SslContextBuilder uses), and says in an operator's words what is wrong with a file. Messages name
 * the file and the reason; never a key's bytes.
 */
final class PemFiles {

  /** Larger than any chain or key file in use; keeps a wrong path (a log, a disk) cheap. */
  static final long MAX_FILE_BYTES = 1 << 20;

  private PemFiles() {}

  /** The chain in {@code file}, leaf first. */
  static X509Certificate[] certificates(Path file) throws FileProblem {
    byte[] pem = read(file);
    X509Certificate[] chain;
    try {
      chain = NettyPem.certificates(pem);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new FileProblem(file, "not a PEM certificate (" + reason(e) + ")");
    }
    if (chain.length == 0) {
      throw new FileProblem(file, "holds no PEM certificate");
    }
    return chain;
  }

  /** The unencrypted private key in {@code file}. */
  static PrivateKey privateKey(Path file) throws FileProblem {
    byte[] pem = read(file);
    try {
      return NettyPem.privateKey(pem);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new FileProblem(
          file,
          "not an unencrypted PEM private key (PKCS#8, or PKCS#1/SEC1"
              + " where supported): "
              + reason(e));
    }
  }

  /**
   * Whether {@code key} belongs to {@code certificate}: signs a few bytes with it and verifies them
   * with the certificate's public key, which works alike for RSA, EC and EdDSA.
   */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return true; // not a kind this can test; the handshake will tell
    }
    try {
      byte[] probe = "weir key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a key of another kind than the certificate's
    }
  }

  static byte[] read(Path file) throws FileProblem {
    try {
      if (!Files.isRegularFile(file)) {
        throw new FileProblem(file, Files.exists(file) ? "not a regular file" : "no such file");
      }
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new FileProblem(
            file,
            "is " + size + " bytes, more than a PEM file of " + MAX_FILE_BYTES + " bytes at most");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new FileProblem(file, "no such file");
    } catch (AccessDeniedException e) {
      throw new FileProblem(file, "permission denied");
    } catch (IOException e) {
      throw new FileProblem(file, "cannot be read: " + e.getMessage());
    }
  }

  private static String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank()
        ? root.getClass().getSimpleName()
        : message.length() <= 120 ? message : message.substring(0, 120) + "...";
  }

  /** A file that cannot serve; its message names the file and why. */
  static final class FileProblem extends Exception {
    private final Path file;
    private final String reason;

    FileProblem(Path file, String reason) {
      super(file + ": " + reason);
      this.file = file;
      this.reason = reason;
    }

    Path file() {
      return file;
    }

    String reason() {
      return reason;
    }
  }

  /** Netty's PEM readers are protected statics of SslContext: reachable from a subclass. */
  private abstract static class NettyPem extends SslContext {
    static X509Certificate[] certificates(byte[] pem) throws GeneralSecurityException {
      return toX509Certificates(new ByteArrayInputStream(pem));
    }

    static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException, IOException {
      return toPrivateKey(new ByteArrayInputStream(pem), null);
    }
  }
}
