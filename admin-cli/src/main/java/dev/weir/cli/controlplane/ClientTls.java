package dev.weir.cli.controlplane;

import dev.weir.api.tls.ClientCredentials;
import io.grpc.ChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * How weirctl secures its channel: TLS when a CA to trust or a client certificate is given (else
 * the JDK's trusted CAs), plaintext otherwise. The files are checked by {@link
 * dev.weir.cli.session.GlobalOptions} before they get here.
 *
 * @param ca PEM CA certificates that vouch for the control plane; null for the JDK's
 * @param certificate PEM client certificate chain for mutual TLS; null for none
 * @param key the PEM (PKCS#8) private key of {@code certificate}
 */
public record ClientTls(Path ca, Path certificate, Path key) {

  public static final ClientTls PLAINTEXT = new ClientTls(null, null, null);

  public boolean enabled() {
    return ca != null || certificate != null;
  }

  ChannelCredentials credentials() {
    try {
      return ClientCredentials.create(
          new ClientCredentials.File(ca, "--tls-ca"),
          new ClientCredentials.File(certificate, "--tls-cert"),
          new ClientCredentials.File(key, "--tls-key"));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
