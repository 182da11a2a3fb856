package dev.weir.cli.pool;

import dev.weir.cli.args.AddressConverter;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags for PoolSettings.http_connect: clients name the pool in an HTTP CONNECT request, so
 * several pools can share one listen port.
 */
final class HttpConnectOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--http-connect",
      order = 90,
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Clients send CONNECT HOST:PORT first and are tunnelled to this pool if it "
              + "answers to that target, else get 403 (default false). Pools with it on may share a "
              + "--listen address.")
  private void enabled(boolean enabled) {
    edit.set("http_connect.enabled").getHttpConnectBuilder().setEnabled(enabled);
  }

  @Option(
      names = "--connect-authority",
      order = 91,
      paramLabel = "HOST:PORT",
      converter = AddressConverter.class,
      description =
          "A CONNECT target this pool answers to; repeat for more (pool set replaces "
              + "the list). By default the pool answers to its name with its listen port.")
  private void authorities(List<String> authorities) {
    // picocli passes the values given so far, so each call sets the whole list.
    edit.set("http_connect.authorities")
        .getHttpConnectBuilder()
        .clearAuthorities()
        .addAllAuthorities(authorities);
  }

  SettingsEdit edit() {
    return edit;
  }
}
