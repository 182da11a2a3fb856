package dev.weir.api.tls;

import dev.weir.api.auth.BearerToken;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The credentials a gRPC client of Weir connects with, from the PEM files its flags name: TLS when
 * a CA to trust or a client certificate is given (else the JDK's trusted CAs), plaintext when
 * neither is. weirctl, weir-proxy and a control plane calling its fellow replicas all build theirs
 * here, so a missing or unpaired file reads the same from each.
 */
public final class ClientCredentials {

  /**
   * A file and where it was given, as errors name it.
   *
   * @param path the file; null when not given
   * @param source the flag or variable it came from, e.g. {@code --tls-ca} or {@code $WEIR_TLS_CA}
   */
  public record File(Path path, String source) {
    public boolean given() {
      return path != null;
    }
  }

  private ClientCredentials() {}

  /**
   * TLS credentials trusting {@code ca} (the JDK's CAs when not given) and presenting {@code
   * certificate} with its {@code key} (no client certificate when not given); plaintext when
   * neither {@code ca} nor {@code certificate} is given.
   *
   * @throws IllegalArgumentException naming the flag: a certificate without its key or the other
   *     way round, or a file that is not there or not readable
   * @throws IOException if a file that was there cannot be read (its PEM is parsed later, at the
   *     handshake)
   */
  public static ChannelCredentials create(File ca, File certificate, File key) throws IOException {
    requirePair(certificate, key);
    if (!ca.given() && !certificate.given()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    try {
      if (ca.given()) {
        tls.trustManager(readable(ca).toFile());
      }
      if (certificate.given()) {
        tls.keyManager(readable(certificate).toFile(), readable(key).toFile());
      }
    } catch (IOException e) {
      throw new IOException("cannot read the TLS files: " + e.getMessage(), e);
    }
    return tls.build();
  }

  /** {@code transport}, also sending {@code token} on every call; as is if token is null. */
  public static ChannelCredentials withToken(ChannelCredentials transport, BearerToken token) {
    return token == null ? transport : CompositeChannelCredentials.create(transport, token);
  }

  /**
   * Checks that a client certificate and its key come together.
   *
   * @throws IllegalArgumentException "--tls-cert and --tls-key go together; give both"
   */
  public static void requirePair(File certificate, File key) {
    if (certificate.given() != key.given()) {
      throw new IllegalArgumentException(
          certificate.source() + " and " + key.source() + " go together; give both");
    }
  }

  /**
   * The file, checked to be a readable regular file.
   *
   * @throws IllegalArgumentException "--tls-ca /etc/ca.pem: no such readable file"
   */
  public static Path readable(File file) {
    Path path = file.path();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException(file.source() + " " + path + ": no such readable file");
    }
    return path;
  }
}
