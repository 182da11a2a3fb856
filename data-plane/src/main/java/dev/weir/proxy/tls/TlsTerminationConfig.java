package dev.weir.proxy.tls;

import dev.weir.api.rules.TlsTerminationRules;
import dev.weir.api.v1.TlsTermination;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A pool's settings.tls_termination as the proxy uses it: file paths, not their contents, so two
 * configs naming the same files are equal (and a pool's picker is not rebuilt for them).
 *
 * @param certificates the first is the default
 * @param alpn protocols offered, in order; empty for none
 * @param tls13Only whether min_version is TLS1.3
 * @param clientCa the CAs client certificates must chain to; null when none are asked for
 * @param clientAuthRequired whether a client without a valid certificate is refused
 * @param backend how backends are reached over TLS; null for plaintext
 */
public record TlsTerminationConfig(
    List<CertificateFiles> certificates,
    List<String> alpn,
    boolean tls13Only,
    Path clientCa,
    boolean clientAuthRequired,
    BackendTlsConfig backend,
    Duration handshakeTimeout) {

  public TlsTerminationConfig {
    certificates = List.copyOf(certificates);
    alpn = List.copyOf(alpn);
  }

  /** A certificate chain and its key, by path on this host. */
  public record CertificateFiles(Path certFile, Path keyFile) {}

  /**
   * @param ca the CAs backend certificates must chain to; null for the JDK's
   * @param serverName sent as SNI and verified; null for the backend's own host
   */
  public record BackendTlsConfig(Path ca, String serverName) {}

  /** For a checked pool with tls_termination on. */
  public static TlsTerminationConfig of(TlsTermination tls) {
    List<CertificateFiles> certificates =
        tls.getCertificatesList().stream()
            .map(c -> new CertificateFiles(Path.of(c.getCertFile()), Path.of(c.getKeyFile())))
            .toList();
    Path clientCa = tls.hasClientAuth() ? Path.of(tls.getClientAuth().getCaFile()) : null;
    BackendTlsConfig backend = null;
    if (tls.getBackendTls().getEnabled()) {
      String ca = tls.getBackendTls().getCaFile();
      String name = tls.getBackendTls().getServerName();
      backend =
          new BackendTlsConfig(ca.isEmpty() ? null : Path.of(ca), name.isEmpty() ? null : name);
    }
    return new TlsTerminationConfig(
        certificates,
        tls.getAlpnList(),
        TlsTerminationRules.TLS_1_3.equals(tls.getMinVersion()),
        clientCa,
        tls.getClientAuth().getRequired(),
        backend,
        TlsTerminationRules.handshakeTimeout(tls));
  }
}
