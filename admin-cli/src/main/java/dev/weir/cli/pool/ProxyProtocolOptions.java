package dev.weir.cli.pool;

import dev.weir.api.v1.ProxyProtocolVersion;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags for PoolSettings.proxy_protocol: HAProxy's PROXY header, to backends and from a
 * balancer in front.
 */
final class ProxyProtocolOptions {

  private static final List<String> NAMES = List.of("off", "v1", "v2");

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--send-proxy-protocol",
      order = 80,
      paramLabel = "VERSION",
      converter = VersionConverter.class,
      completionCandidates = Names.class,
      description =
          "Send each backend a PROXY header with the client's address first: "
              + "${COMPLETION-CANDIDATES} (default off). The backends must expect it.")
  private void send(ProxyProtocolVersion version) {
    edit.set("proxy_protocol.send").getProxyProtocolBuilder().setSend(version);
  }

  @Option(
      names = "--accept-proxy-protocol",
      order = 81,
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Clients must start with a PROXY header from a balancer in front, whose "
              + "address becomes the client's (default false). Only for listeners nothing else can "
              + "reach.")
  private void accept(boolean accept) {
    edit.set("proxy_protocol.accept").getProxyProtocolBuilder().setAccept(accept);
  }

  SettingsEdit edit() {
    return edit;
  }

  /** "off", "v1" or "v2"; "unknown" for a version newer than this CLI. */
  static String name(ProxyProtocolVersion version) {
    return switch (version) {
      case PROXY_PROTOCOL_OFF -> "off";
      case PROXY_PROTOCOL_V1 -> "v1";
      case PROXY_PROTOCOL_V2 -> "v2";
      default -> "unknown";
    };
  }

  /** Converts a {@code --send-proxy-protocol} value. */
  static final class VersionConverter implements ITypeConverter<ProxyProtocolVersion> {
    @Override
    public ProxyProtocolVersion convert(String value) {
      return switch (value) {
        case "off" -> ProxyProtocolVersion.PROXY_PROTOCOL_OFF;
        case "v1" -> ProxyProtocolVersion.PROXY_PROTOCOL_V1;
        case "v2" -> ProxyProtocolVersion.PROXY_PROTOCOL_V2;
        default ->
            throw new TypeConversionException(
                "'" + value + "' is not one of " + String.join(", ", NAMES));
      };
    }
  }

  /** The names, for {@code ${COMPLETION-CANDIDATES}} in help. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return NAMES.iterator();
    }
  }
}
