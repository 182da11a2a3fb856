package dev.weir.control;

import dev.weir.control.ha.StoreSpec;
import java.net.URI;
import java.net.URISyntaxException;
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
      description = "Where the configuration lives: ${COMPLETION-CANDIDATES}. embedded keeps it "
          + "in --data-dir for one control plane; etcd shares it among several, and "
          + "--data-dir is unused (default: ${DEFAULT-VALUE}).")
  private Kind kind;

  @Option(
      names = "--etcd-endpoints",
      paramLabel = "URL",
      split = ",",
      converter = EndpointConverter.class,
      description = "etcd's client URLs, comma-separated, e.g. "
          + "http://10.0.0.1:2379,http://10.0.0.2:2379; required with --store etcd.")
  private List<URI> endpoints = new ArrayList<>();

  @Option(
      names = "--etcd-prefix",
      paramLabel = "PREFIX",
      defaultValue = "/weir/",
      description = "The etcd key prefix the configuration is kept under; control planes "
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
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--etcd-endpoints is only used with --store etcd (the store is embedded)");
      }
      return StoreSpec.embedded();
    }
    if (endpoints.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--store etcd needs --etcd-endpoints, e.g. --etcd-endpoints http://127.0.0.1:2379");
    }
    if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 2) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--etcd-prefix must start and end with '/' and name something between, e.g. /weir/; "
              + "got \"" + prefix + "\"");
    }
    return StoreSpec.etcd(endpoints, prefix);
  }

  /** Reads one etcd endpoint: an http URL with a host and a port, and nothing else. */
  static final class EndpointConverter implements CommandLine.ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value.trim());
      } catch (URISyntaxException e) {
        throw invalid(value, "not a URL");
      }
      if (!"http".equals(uri.getScheme())) {
        throw invalid(value, "the scheme must be http (TLS to etcd is not supported yet)");
      }
      if (uri.getHost() == null || uri.getPort() < 1) {
        throw invalid(value, "it needs a host and a port");
      }
      if ((uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
          || uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
        throw invalid(value, "only scheme, host and port are allowed");
      }
      return uri;
    }

    private static CommandLine.TypeConversionException invalid(String value, String problem) {
      return new CommandLine.TypeConversionException("\"" + value + "\" is invalid: " + problem
          + "; use http://HOST:PORT, e.g. http://127.0.0.1:2379");
    }
  }
}
