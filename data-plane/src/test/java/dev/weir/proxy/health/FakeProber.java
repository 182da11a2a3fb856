package dev.weir.proxy.health;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Answers each probe at once: passed, unless the test marked the backend down. */
final class FakeProber implements Prober {

  private final Set<String> down = new HashSet<>();
  private final Map<String, Integer> sent = new HashMap<>();

  void down(String address) {
    down.add(address);
  }

  void up(String address) {
    down.remove(address);
  }

  /** Probes sent to {@code address} so far. */
  int sent(String address) {
    return sent.getOrDefault(address, 0);
  }

  @Override
  public Future<Boolean> probe(BackendConfig backend, HealthCheckOptions options) {
    sent.merge(backend.address(), 1, Integer::sum);
    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(!down.contains(backend.address()));
  }
}
