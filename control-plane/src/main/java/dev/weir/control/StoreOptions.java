package dev.weir.control;

import dev.weir.control.ha.EtcdTls;
import dev.weir.control.ha.StoreSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weir-control}'s flags for where the configuration is stored. */
final class StoreOptions {

  /** The stores {@code --store} names. */
  enum Kind {
    embedded,
    etcd
  }

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(
      names = "--store",
      paramLabel = "KIND",
      defaultValue = "embedded",
      description =
          "Where the configuration lives: ${COMPLETION-CANDIDATES}. embedded keeps it "
              + "in --data-dir for one control plane; etcd shares it among several, and "
              + "--data-dir is unused (default: ${DEFAULT-VALUE}).")
  private Kind kind;

  @Option(
      names = "--etcd-endpoints",
      paramLabel = "URL",
      split = ",",
      converter = EndpointConverter.class,
      description =
          "etcd's client URLs, comma-separated (see the examples below); required "
              + "with --store etcd. URLs with the https scheme connect with TLS (all of them, then); "
              + "see --etcd-ca.")
  private List<URI> endpoints = new ArrayList<>();

  @Option(
      names = "--etcd-ca",
      paramLabel = "FILE",
      description =
          "PEM CA certificate(s) that etcd's certificate must be signed by, for "
              + "https:// endpoints (default: the JDK's trusted CAs).")
  private Path ca;

  @Option(
      names = "--etcd-cert",
      paramLabel = "FILE",
      description =
          "PEM client certificate chain shown to an etcd that checks them "
              + "(--client-cert-auth); with --etcd-key, for https:// endpoints.")
  private Path certificate;

  @Option(
      names = "--etcd-key",
      paramLabel = "FILE",
      description = "PKCS#8 PEM private key of --etcd-cert.")
  private Path key;

  @Option(
      names = "--etcd-prefix",
      paramLabel = "PREFIX",
      defaultValue = "/weir/",
      description =
          "The etcd key prefix the configuration is kept under; control planes "
              + "sharing one prefix share one configuration (default: ${DEFAULT-VALUE}).")
  private String prefix;

  /**
   * The store the flags name.
   *
   * @throws CommandLine.ParameterException if the etcd flags are missing, misplaced or invalid
   */
  StoreSpec storeSpec() {
    if (kind == Kind.embedded) {
      if (!endpoints.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--etcd-endpoints is only used with --store etcd (the store is embedded)");
      }
      if (ca != null || certificate != null || key != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--etcd-ca, --etcd-cert and --etcd-key are only used with --store etcd "
                + "(the store is embedded)");
      }
      return EmbeddedStoreBackend.spec();
    }
    if (endpoints.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--store etcd needs --etcd-endpoints, e.g. --etcd-endpoints http://127.0.0.1:2379");
    }
    if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 2) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--etcd-prefix must start and end with '/' and name something between, e.g. /weir/; "
              + "got \""
              + prefix
              + "\"");
    }
    return StoreSpec.etcd(endpoints, prefix, tls());
  }

  /** TLS for https:// endpoints, null for http:// ones; the flags must agree with the scheme. */
  private EtcdTls tls() {
    boolean https = "https".equals(endpoints.get(0).getScheme());
    for (URI endpoint : endpoints) {
      if (!endpoint.getScheme().equals(endpoints.get(0).getScheme())) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--etcd-endpoints mixes http:// and https://; use one scheme for all, got "
                + endpoints.get(0)
                + " and "
                + endpoint);
      }
    }
    if (!https) {
      if (ca != null || certificate != null || key != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--etcd-ca, --etcd-cert and --etcd-key are for TLS to etcd, which needs https:// "
                + "endpoints; got "
                + endpoints.get(0));
      }
      return null;
    }
    try {
      return EtcdTls.read(ca, certificate, key);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Reads one etcd endpoint: an http or https URL with a host and a port, and nothing else. */
  static final class EndpointConverter implements CommandLine.ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value.trim());
      } catch (URISyntaxException e) {
        throw invalid(value, "not a URL");
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw invalid(value, "the scheme must be http or https");
      }
      if (uri.getHost() == null || uri.getPort() < 1) {
        throw invalid(value, "it needs a host and a port");
      }
      if ((uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
          || uri.getQuery() != null
          || uri.getFragment() != null
          || uri.getUserInfo() != null) {
        throw invalid(value, "only scheme, host and port are allowed");
      }
      return uri;
    }

    private static CommandLine.TypeConversionException invalid(String value, String problem) {
      return new CommandLine.TypeConversionException(
          "\""
              + value
              + "\" is invalid: "
              + problem
              + "; use http://HOST:PORT or https://HOST:PORT, e.g. http://127.0.0.1:2379");
    }
  }
}
