package dev.weir.proxy.control;

import dev.weir.api.auth.BearerToken;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How the proxy proves itself to the control plane and checks it: plaintext, TLS trusting a CA,
 * mutual TLS with a client certificate, each optionally with a bearer token. The files are read
 * here, once; callers check first that they exist, so that errors can name their flag.
 */
public final class ControlPlaneCredentials {

  private ControlPlaneCredentials() {}

  /**
   * TLS if {@code ca} or {@code certificate} is given, else plaintext.
   *
   * @param ca PEM CA certificates to trust the control plane by, or null for the JVM's defaults
   * @param certificate PEM client certificate chain for mutual TLS, or null for none
   * @param key the PEM (PKCS#8) private key of {@code certificate}; null exactly when it is
   * @throws IOException if a file cannot be read or parsed
   */
  public static ChannelCredentials of(Path ca, Path certificate, Path key) throws IOException {
    if ((certificate == null) != (key == null)) {
      throw new IllegalArgumentException("a client certificate and its key go together");
    }
    if (ca == null && certificate == null) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    if (ca != null) {
      builder.trustManager(ca.toFile());
    }
    if (certificate != null) {
      builder.keyManager(certificate.toFile(), key.toFile());
    }
    return builder.build();
  }

  /** {@code transport}, also sending {@code token} on every call; as is if token is null. */
  public static ChannelCredentials withToken(ChannelCredentials transport, BearerToken token) {
    return token == null ? transport : CompositeChannelCredentials.create(transport, token);
  }
}
