package dev.weir.cli.status;

import dev.weir.cli.output.OutputFormat;
import dev.weir.cli.output.Yaml;
import dev.weir.cli.session.Session;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code weirctl status}: the whole fleet on one screen. */
@Command(
    name = "status",
    description = {
      "Shows the whole fleet on one screen: a header line (control plane, newest config version, "
          + "proxies connected of those known), each pool's backends and the proxies.",
      "Per backend: WEIGHT (with the effective weight proxies balance by, when adaptive weights "
          + "changed it), STATE (with a drain's progress), HEALTH fleet-wide (the verdict, then "
          + "how many of the proxies with a view see it healthy), ACTIVE connections summed over "
          + "the connected proxies, failed connection attempts per second (FAIL/S) and in total. "
          + "Per proxy: its connection, since when, the config version it applied, how many "
          + "versions that is BEHIND the newest, and when it was LAST SEEN (its last report).",
      "With several control-plane replicas (--store etcd): a line under the header per replica "
          + "that is missing (down or not answering), naming the proxies it served, which the "
          + "figures leave out; REPLICA, the one each proxy is connected to.",
      "With -o json: one object with controlPlane, configVersion, proxiesConnected, "
          + "proxiesTotal, coverage (the replicas the proxy list covers, from a control plane "
          + "that says), pools (PoolStatus messages, as 'pool show -o json' prints them) and "
          + "proxies (ProxyInfo messages, as 'proxies -o json', each with versionsBehind)."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl status",
      "  weirctl status -o json | jq '.proxies[] | select(.versionsBehind != \"0\") | .id'",
      "  weirctl --control-plane cp.internal:9900 status"
    })
public final class StatusCommand implements Runnable {

  private final Session session;

  StatusCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    FleetStatus fleet = FleetStatusLoader.load(session);
    PrintWriter out = session.out();
    if (session.output().format() == OutputFormat.JSON) {
      out.print(StatusJson.render(fleet));
    } else if (session.output().format() == OutputFormat.YAML) {
      out.print(Yaml.fromJson(StatusJson.render(fleet)));
    } else {
      out.print(StatusView.render(fleet, session.clock().instant()));
    }
    out.flush();
  }
}
