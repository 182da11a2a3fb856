package dev.weir.proxy.health;

import static dev.weir.api.v1.Algorithm.WEIGHTED_ROUND_ROBIN;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.balance.Upstream;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.stats.BackendCounters;
import dev.weir.proxy.testing.Snapshots;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pool's health tracking on a fake clock and fake probes, driven the way the pool runtime
 * drives it: counters outlive config changes, and every config change and every rebuild it asks for
 * takes a fresh {@link PoolHealth#select()}.
 */
final class PoolHealthFixture implements AutoCloseable {

  final FakeClock clock = new FakeClock();
  final FakeProber prober = new FakeProber();
  final AtomicInteger rebuilds = new AtomicInteger();
  final PoolHealth health =
      HealthTracking.using(clock, clock, prober, () -> 0.5).forPool("web", this::rebuild);
  private final Map<String, BackendCounters> counters = new HashMap<>();

  /** Applies pool "web" with these settings and backends. */
  void apply(PoolSettings.Builder settings, Backend... backends) {
    PoolConfig config = config(settings, backends);
    List<BackendCounters> parallel =
        config.backends().stream()
            .map(b -> counters.computeIfAbsent(b.address(), a -> new BackendCounters("web", a)))
            .toList();
    health.update(config, parallel);
    health.select();
  }

  /** Rebuilds asked for by the health tracking (not config changes) so far. */
  private void rebuild() {
    rebuilds.incrementAndGet();
    health.select();
  }

  static PoolConfig config(PoolSettings.Builder settings, Backend... backends) {
    return Snapshots.config(
            1,
            Snapshots.pool("web", 10_000, WEIGHTED_ROUND_ROBIN)
                .addAllBackends(List.of(backends))
                .setSettings(settings))
        .pools()
        .get(0);
  }

  BackendCounters counters(String address) {
    return counters.get(address);
  }

  BackendStats stats(String address) {
    return counters.get(address).snapshot();
  }

  BackendHealth reported(String address) {
    return stats(address).getHealth();
  }

  /** The selection's backends by address, with their weights, in config order. */
  Map<String, Integer> weights() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (Upstream u : health.select().upstreams()) {
      weights.put(u.config().address(), u.weight());
    }
    return weights;
  }

  /** {@code n} failed connects to {@code address}, as the relay reports them. */
  void failConnects(String address, int n) {
    for (int i = 0; i < n; i++) {
      counters.get(address).connectFailed();
    }
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  static HealthCheck.Builder tcpCheck(Duration interval, int rise, int fall) {
    return HealthCheck.newBuilder()
        .setKind(HealthCheck.Kind.TCP)
        .setInterval(proto(interval))
        .setTimeout(proto(interval))
        .setRise(rise)
        .setFall(fall);
  }

  static OutlierDetection.Builder outliers(
      int consecutiveFailures, Duration base, Duration max, int maxPercent) {
    return OutlierDetection.newBuilder()
        .setConsecutiveFailures(consecutiveFailures)
        .setBaseEjectionTime(proto(base))
        .setMaxEjectionTime(proto(max))
        .setMaxEjectionPercent(maxPercent);
  }

  static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  static com.google.protobuf.Duration proto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  @Override
  public void close() {
    health.close();
  }
}
