package dev.weir.control.security;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * weir-control's TLS and authentication flags, a picocli mixin. Without any of them the control
 * plane serves plaintext and lets every caller do everything, as a local demo needs.
 */
public final class SecurityOptions {

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "Serve TLS with this PEM certificate chain (with --tls-key).")
  Path certificate;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The PEM (PKCS#8) private key of --tls-cert.")
  Path privateKey;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "Verify client certificates against these PEM CA certificates (mutual TLS): "
              + "a client presenting none is refused at the handshake unless the auth file also "
              + "lists tokens. Needs --tls-cert.")
  Path clientCa;

  @Option(
      names = "--auth-file",
      paramLabel = "FILE",
      description =
          "Callers and their roles (admin, viewer, proxy, replica), one per line: "
              + "ROLE NAME token-sha256:HEX or ROLE NAME cert:CN. With it every call is "
              + "authenticated and checked against its role (default: no checks).")
  Path authFile;

  public SecurityOptions() {}

  /** --tls-cert, or null. */
  public Path certificate() {
    return certificate;
  }

  /** --tls-key, or null. */
  public Path privateKey() {
    return privateKey;
  }

  /** --tls-ca, or null. */
  public Path clientCa() {
    return clientCa;
  }

  /** For tests and embedding: the same as the flags. */
  public SecurityOptions(Path certificate, Path privateKey, Path clientCa, Path authFile) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.clientCa = clientCa;
    this.authFile = authFile;
  }
}
