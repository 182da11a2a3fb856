package dev.weir.cli.pool;

import dev.weir.api.v1.BackendTls;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.ClientAuth;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.SettingDurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The flags for PoolSettings.tls_termination: the proxies terminate the clients' TLS with
 * certificates from files on the proxy hosts, and relay plaintext (or TLS again) to the backends.
 */
final class TlsTerminationOptions {

  private static final String ENABLED = "tls_termination.enabled";
  private final SettingsEdit edit = new SettingsEdit();

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(
      names = "--tls-certificate",
      order = 100,
      paramLabel = "CERT_FILE:KEY_FILE",
      description =
          "A certificate chain and its key, PEM files on every proxy host (absolute "
              + "paths; keys never leave the proxy hosts). Repeat for more, chosen by the client's "
              + "server name (SNI) against each certificate's names; the first serves any other name "
              + "(pool set replaces the list). Turns TLS termination on.")
  private void certificates(List<String> pairs) {
    // picocli passes the values given so far, so each call sets the whole list.
    List<Certificate> certificates = new ArrayList<>(pairs.size());
    for (String pair : pairs) {
      certificates.add(certificate(pair));
    }
    enable();
    edit.set("tls_termination.certificates")
        .getTlsTerminationBuilder()
        .clearCertificates()
        .addAllCertificates(certificates);
  }

  @Option(
      names = "--tls-alpn",
      order = 101,
      split = ",",
      paramLabel = "PROTOCOL",
      description = "ALPN protocols offered to clients, in order (h2,http/1.1); default none.")
  private void alpn(List<String> protocols) {
    edit.set("tls_termination.alpn").getTlsTerminationBuilder().clearAlpn().addAllAlpn(protocols);
  }

  @Option(
      names = "--tls-min-version",
      order = 102,
      paramLabel = "VERSION",
      description = "The oldest TLS version accepted: TLS1.2 (default) or TLS1.3.")
  private void minVersion(String version) {
    String normal = version.toUpperCase(Locale.ROOT).replace("V", "");
    if (!normal.equals("TLS1.2") && !normal.equals("TLS1.3")) {
      throw new ParameterException(
          spec.commandLine(), "--tls-min-version must be TLS1.2 or TLS1.3, got '" + version + "'");
    }
    edit.set("tls_termination.min_version").getTlsTerminationBuilder().setMinVersion(normal);
  }

  @Option(
      names = "--tls-client-ca",
      order = 103,
      paramLabel = "FILE",
      description =
          "Ask clients for a certificate signed by the CAs in this PEM file on the "
              + "proxy hosts (mTLS); optional unless --tls-client-auth required. The verified "
              + "client's name goes to the backends in the PROXY v2 header (--proxy-protocol v2).")
  private void clientCa(String file) {
    edit.set("tls_termination.client_auth.ca_file")
        .getTlsTerminationBuilder()
        .getClientAuthBuilder()
        .setCaFile(absolute("--tls-client-ca", file));
  }

  @Option(
      names = "--tls-client-auth",
      order = 104,
      paramLabel = "MODE",
      description =
          "required (clients without a valid certificate are refused) or optional "
              + "(default; verified when sent). Needs --tls-client-ca.")
  private void clientAuth(String mode) {
    boolean required =
        switch (mode.toLowerCase(Locale.ROOT)) {
          case "required" -> true;
          case "optional" -> false;
          default ->
              throw new ParameterException(
                  spec.commandLine(),
                  "--tls-client-auth must be required or optional, got '" + mode + "'");
        };
    ClientAuth.Builder auth =
        edit.set("tls_termination.client_auth.required")
            .getTlsTerminationBuilder()
            .getClientAuthBuilder();
    auth.setRequired(required);
  }

  @Option(
      names = "--tls-handshake-timeout",
      order = 105,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "Time a client has to complete its TLS handshake (default 10s, 1ms..1m).")
  private void handshakeTimeout(Duration timeout) {
    edit.set("tls_termination.handshake_timeout")
        .getTlsTerminationBuilder()
        .setHandshakeTimeout(DurationText.toProto(timeout));
  }

  @Option(
      names = "--tls-termination",
      order = 106,
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Terminates TLS (on with --tls-certificate; --tls-termination=false turns "
              + "it off, with all --tls-* and --backend-tls* settings cleared).")
  private void enabled(boolean enabled) {
    if (enabled) {
      enable();
    } else {
      edit.set("tls_termination").clearTlsTermination();
    }
  }

  @Option(
      names = "--backend-tls",
      order = 107,
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Connect to the backends over TLS and verify their certificates (default "
              + "false: plaintext). Needs TLS termination.")
  private void backendTls(boolean enabled) {
    if (enabled) {
      enableBackendTls();
    } else {
      edit.set("tls_termination.backend_tls").getTlsTerminationBuilder().clearBackendTls();
    }
  }

  @Option(
      names = "--backend-tls-ca",
      order = 108,
      paramLabel = "FILE",
      description =
          "The CAs the backends' certificates must chain to, a PEM file on the proxy "
              + "hosts (default: the JDK's trusted CAs). Turns --backend-tls on.")
  private void backendCa(String file) {
    enableBackendTls();
    edit.set("tls_termination.backend_tls.ca_file")
        .getTlsTerminationBuilder()
        .getBackendTlsBuilder()
        .setCaFile(absolute("--backend-tls-ca", file));
  }

  @Option(
      names = "--backend-tls-server-name",
      order = 109,
      paramLabel = "NAME",
      description =
          "The name sent (SNI) and verified in each backend's certificate (default: "
              + "the backend's host). Turns --backend-tls on.")
  private void backendServerName(String name) {
    enableBackendTls();
    edit.set("tls_termination.backend_tls.server_name")
        .getTlsTerminationBuilder()
        .getBackendTlsBuilder()
        .setServerName(name);
  }

  private Certificate certificate(String pair) {
    // Both are absolute paths, so the key's starts at the first ":/".
    int split = pair.indexOf(":/");
    if (split <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--tls-certificate must be "
              + "CERT_FILE:KEY_FILE, two absolute paths on the proxy hosts, got '"
              + pair
              + "'");
    }
    return Certificate.newBuilder()
        .setCertFile(absolute("--tls-certificate", pair.substring(0, split)))
        .setKeyFile(pair.substring(split + 1))
        .build();
  }

  private String absolute(String flag, String path) {
    if (!path.startsWith("/")) {
      throw new ParameterException(
          spec.commandLine(),
          flag
              + " needs an absolute path on the "
              + "proxy hosts (the proxies read it, not weirctl), got '"
              + path
              + "'");
    }
    return path;
  }

  private void enable() {
    edit.set(ENABLED).getTlsTerminationBuilder().setEnabled(true);
  }

  private void enableBackendTls() {
    enable();
    BackendTls.Builder backend =
        edit.set("tls_termination.backend_tls.enabled")
            .getTlsTerminationBuilder()
            .getBackendTlsBuilder();
    backend.setEnabled(true);
  }

  SettingsEdit edit() {
    return edit;
  }
}
