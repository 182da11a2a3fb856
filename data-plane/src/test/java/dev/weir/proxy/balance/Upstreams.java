package dev.weir.proxy.balance;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.stats.BackendCounters;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Backends for picker tests, named a, b, c … (then b26, b27 …) in weight order. */
final class Upstreams {

  private Upstreams() {}

  static List<Upstream> weighted(int... weights) {
    List<Upstream> upstreams = new ArrayList<>(weights.length);
    for (int i = 0; i < weights.length; i++) {
      String name = i < 26 ? String.valueOf((char) ('a' + i)) : "b" + i;
      BackendConfig config =
          new BackendConfig(
              name + ":80", InetSocketAddress.createUnresolved(name, 80), weights[i], false);
      upstreams.add(new Upstream(config, new BackendCounters("test", config.address())));
    }
    return upstreams;
  }

  /** The name a backend from {@link #weighted} was given. */
  static String name(Upstream upstream) {
    return upstream.config().socketAddress().getHostString();
  }
}
