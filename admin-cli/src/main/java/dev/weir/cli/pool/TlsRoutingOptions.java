package dev.weir.cli.pool;

import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.SettingDurationConverter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags for PoolSettings.tls_routing: clients name the pool in the server name (SNI) of their
 * TLS ClientHello, so several pools can share one listen port without Weir terminating TLS.
 */
final class TlsRoutingOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--sni",
      order = 95,
      paramLabel = "NAME",
      description =
          "A server name this pool answers to: exact (db.example.com) or a wildcard "
              + "(*.example.com); the most specific match wins. Repeat for more (pool set replaces "
              + "the list). Turns TLS routing on: the proxy reads the ClientHello and relays it, "
              + "untouched, to this pool's backends. Pools with it on may share a --listen address.")
  private void serverNames(List<String> names) {
    // picocli passes the values given so far, so each call sets the whole list.
    enable();
    edit.set("tls_routing.server_names")
        .getTlsRoutingBuilder()
        .clearServerNames()
        .addAllServerNames(names);
  }

  @Option(
      names = "--sni-default",
      order = 96,
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "This pool takes TLS connections whose server name no pool of its listen "
              + "address answers to, and those without one (default false: they are closed).")
  private void defaultPool(boolean isDefault) {
    if (isDefault) {
      enable();
    }
    edit.set("tls_routing.default_pool").getTlsRoutingBuilder().setDefaultPool(isDefault);
  }

  @Option(
      names = "--tls-routing",
      order = 98,
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Routes by the ClientHello's server name (on with --sni or --sni-default; "
              + "--tls-routing=false turns it off, with --sni and --sni-default cleared).")
  private void enabled(boolean enabled) {
    if (enabled) {
      enable();
    } else {
      edit.set("tls_routing").clearTlsRouting();
    }
  }

  @Option(
      names = "--sni-postgres",
      order = 97,
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "The clients are PostgreSQL's: the proxy answers their SSLRequest, routes "
              + "by the ClientHello that follows and replays the request to the backend (default "
              + "false). Pools sharing a listen address must agree on it.")
  private void postgres(boolean postgres) {
    edit.set("tls_routing.postgres").getTlsRoutingBuilder().setPostgres(postgres);
  }

  @Option(
      names = "--client-hello-timeout",
      order = 99,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description =
          "Time a client has to send its ClientHello (default 10s, 1ms..1m); pools "
              + "sharing a listen address must agree on it.")
  private void clientHelloTimeout(Duration timeout) {
    edit.set("tls_routing.client_hello_timeout")
        .getTlsRoutingBuilder()
        .setClientHelloTimeout(DurationText.toProto(timeout));
  }

  private void enable() {
    edit.set("tls_routing.enabled").getTlsRoutingBuilder().setEnabled(true);
  }

  SettingsEdit edit() {
    return edit;
  }
}
