package dev.weir.control.replicas;

import dev.weir.api.auth.BearerToken;
import dev.weir.api.tls.ClientCredentials;
import dev.weir.control.security.SecurityOptions;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How this replica is known to the others and how it calls them, a picocli mixin. Used only with a
 * store shared by several replicas (etcd).
 */
public final class ReplicaOptions {
  @Option(
      names = "--replica-id",
      paramLabel = "ID",
      description =
          "This replica's name in answers that cover several replicas "
              + "(default: its --replica-address).")
  String id;

  @Option(
      names = "--replica-address",
      paramLabel = "HOST:PORT",
      description =
          "Where the other replicas reach this one, on the server that serves the "
              + "proxy API (default: that server's address; a wildcard host becomes this machine's "
              + "host name).")
  String address;

  @Option(
      names = "--replica-token-file",
      paramLabel = "FILE",
      description =
          "Bearer token this replica presents to the others (their auth file lists it "
              + "with role replica); needs TLS.")
  Path tokenFile;

  @Option(
      names = "--replica-cert",
      paramLabel = "FILE",
      description =
          "Client certificate presented to the other replicas (default: --tls-cert "
              + "when the others verify client certificates).")
  Path certificate;

  @Option(
      names = "--replica-key",
      paramLabel = "FILE",
      description = "The PEM (PKCS#8) private key of --replica-cert (default: --tls-key).")
  Path privateKey;

  @Option(
      names = "--replica-ca",
      paramLabel = "FILE",
      description =
          "CA certificates the other replicas' server certificates are checked against "
              + "(default: --tls-ca, else the JVM's trusted CAs).")
  Path ca;

  public ReplicaOptions() {}

  /** The explicit --replica-id, or null. */
  public String id() {
    return id;
  }

  /** The explicit --replica-address, or null. */
  public String address() {
    return address;
  }

  /**
   * The credentials for calling other replicas: TLS when this one serves TLS (the replicas of a
   * fleet are set up alike), with the client certificate and token given.
   *
   * @throws IllegalArgumentException naming the flag that is wrong
   */
  public ChannelCredentials credentials(SecurityOptions security) throws IOException {
    ClientCredentials.requirePair(
        new ClientCredentials.File(certificate, "--replica-cert"),
        new ClientCredentials.File(privateKey, "--replica-key"));
    boolean tls = security.certificate() != null;
    if (!tls) {
      if (certificate != null || ca != null || tokenFile != null) {
        throw new IllegalArgumentException(
            "--replica-cert, --replica-ca and --replica-token-file "
                + "need TLS: replicas call each other as they serve, and this one serves plaintext "
                + "(add --tls-cert and --tls-key)");
      }
      return InsecureChannelCredentials.create();
    }
    ClientCredentials.File trust =
        ca != null
            ? new ClientCredentials.File(ca, "--replica-ca")
            : new ClientCredentials.File(security.clientCa(), "--tls-ca");
    boolean own = certificate != null;
    ChannelCredentials transport =
        ClientCredentials.create(
            trust,
            new ClientCredentials.File(
                own ? certificate : security.certificate(), own ? "--replica-cert" : "--tls-cert"),
            new ClientCredentials.File(
                own ? privateKey : security.privateKey(), own ? "--replica-key" : "--tls-key"));
    BearerToken token =
        tokenFile == null
            ? null
            : BearerToken.fromFile(
                ClientCredentials.readable(
                    new ClientCredentials.File(tokenFile, "--replica-token-file")),
                "--replica-token-file");
    return ClientCredentials.withToken(transport, token);
  }
}
