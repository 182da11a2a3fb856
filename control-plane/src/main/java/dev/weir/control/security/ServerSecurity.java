package dev.weir.control.security;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.TlsServerCredentials.ClientAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link SecurityOptions} ask of every gRPC server: its credentials (TLS, requiring or
 * accepting client certificates) and the interceptor that authenticates and authorizes calls. Built
 * once, checked whole, so a bad flag stops the start before anything listens.
 */
public final class ServerSecurity {

  private static final Logger log = LoggerFactory.getLogger(ServerSecurity.class);

  private final ServerCredentials credentials;
  private final AuthInterceptor interceptor;
  private final boolean tls;
  private final String summary;

  private ServerSecurity(
      ServerCredentials credentials, AuthInterceptor interceptor, boolean tls, String summary) {
    this.credentials = credentials;
    this.interceptor = interceptor;
    this.tls = tls;
    this.summary = summary;
  }

  /** No TLS, no authentication: today's local default. */
  public static ServerSecurity none() {
    return new ServerSecurity(
        InsecureServerCredentials.create(), null, false, "plaintext, no authentication");
  }

  /**
   * Reads the files the options name.
   *
   * @throws IllegalArgumentException naming the flag for a combination or file that cannot work
   * @throws IOException if a file cannot be read
   */
  public static ServerSecurity from(SecurityOptions options) throws IOException {
    if ((options.certificate == null) != (options.privateKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together; give both");
    }
    if (options.clientCa != null && options.certificate == null) {
      throw new IllegalArgumentException(
          "--tls-ca verifies client certificates, which needs TLS: add --tls-cert and --tls-key");
    }
    AuthFile callers = null;
    if (options.authFile != null) {
      callers = AuthFile.read(readable(options.authFile, "--auth-file"));
      if (!callers.hasTokens() && !callers.hasCertificates()) {
        throw new IllegalArgumentException(
            "--auth-file " + options.authFile + " lists no callers; every call would be refused");
      }
      if (callers.hasCertificates() && options.clientCa == null) {
        throw new IllegalArgumentException(
            "--auth-file "
                + options.authFile
                + " lists cert: callers, which needs --tls-ca to verify client certificates");
      }
    }
    AuthInterceptor interceptor = callers != null ? new AuthInterceptor(callers) : null;
    if (options.certificate == null) {
      return new ServerSecurity(
          InsecureServerCredentials.create(),
          interceptor,
          false,
          "plaintext, "
              + (callers != null ? "callers authenticated by token" : "no authentication"));
    }
    TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder();
    try {
      tls.keyManager(
          readable(options.certificate, "--tls-cert").toFile(),
          readable(options.privateKey, "--tls-key").toFile());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--tls-cert "
              + options.certificate
              + " / --tls-key "
              + options.privateKey
              + ": not a PEM certificate chain and PKCS#8 key: "
              + e.getMessage(),
          e);
    }
    String mode = "TLS";
    if (options.clientCa != null) {
      tls.trustManager(readable(options.clientCa, "--tls-ca").toFile());
      // A caller with a token may have no certificate; one that shows a certificate must still
      // show one --tls-ca vouches for.
      boolean tokensToo = callers != null && callers.hasTokens();
      tls.clientAuth(tokensToo ? ClientAuth.OPTIONAL : ClientAuth.REQUIRE);
      mode =
          tokensToo
              ? "TLS, client certificates verified (or a token)"
              : "mutual TLS, client certificates required";
    }
    return new ServerSecurity(
        tls.build(),
        interceptor,
        true,
        mode + ", " + (callers != null ? "callers authorized by role" : "no role checks"));
  }

  /** The credentials for each server's transport. */
  public ServerCredentials credentials() {
    return credentials;
  }

  /** Adds the authentication interceptor, if any, to a server about to be built. */
  public <T extends ServerBuilder<T>> T secure(T builder) {
    return interceptor != null ? builder.intercept(interceptor) : builder;
  }

  /** Logs what is in force, loudly when {@code address} is reachable from elsewhere without it. */
  public void report(String what, InetSocketAddress address) {
    boolean local = address.getAddress() != null && address.getAddress().isLoopbackAddress();
    log.info("{} on {}:{}: {}", what, address.getHostString(), address.getPort(), summary);
    if (!local && !tls) {
      log.warn(
          "{} listens on {} WITHOUT TLS: anyone on the network can read and change the "
              + "fleet's traffic to it; use --tls-cert, --tls-key and --tls-ca",
          what,
          address.getHostString());
    }
    if (!local && interceptor == null) {
      log.warn(
          "{} listens on {} WITHOUT an --auth-file: every caller that connects may change "
              + "every pool",
          what,
          address.getHostString());
    }
  }

  private static Path readable(Path file, String option) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(option + " " + file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new IOException(option + " " + file + ": not readable");
    }
    return file;
  }
}
