package dev.weir.cli.proxy;

import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;

/** {@code weirctl proxies}: the ListProxies call. */
@Command(
    name = "proxies",
    description = {
      "Lists the proxies the control plane knows: connected ones and recently disconnected ones.",
      "SINCE is how long each has been in its status. SENT is the last config version sent to "
          + "the proxy, APPLIED the one in force on it (empty while it refuses this control "
          + "plane's config: what it serves instead is printed under the table), LATEST the "
          + "control plane's newest. PUSH is how long the last applied version took from the "
          + "control plane accepting it to the proxy applying it (empty for the version a proxy "
          + "caught up on when it connected). LAST NACK is the last version the proxy rejected "
          + "or could not apply, and why: 'v8 rejected' while the proxy still serves an older "
          + "version instead, 'v8 rejected, 9 applied since' once a later one is in force.",
      "A proxy ACKs a version it finds valid, before applying it; -o json shows that too "
          + "(lastAckedVersion).",
      "With several control-plane replicas (--store etcd), REPLICA is the one each proxy is "
          + "connected to, and a line under the table names each replica that is missing (down "
          + "or not answering) and the proxies it served, which the list leaves out; -o json "
          + "has the same in coverage."
    },
    mixinStandardHelpOptions = true,
    footer = {"%nExamples:", "  weirctl proxies", "  weirctl proxies -o json"})
public final class ProxiesCommand implements Runnable {

  private final Session session;

  ProxiesCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ListProxiesResponse response =
        session.admin().listProxies(ListProxiesRequest.getDefaultInstance());
    session.output().print(response, () -> ProxyTable.render(response, session.clock().instant()));
  }
}
