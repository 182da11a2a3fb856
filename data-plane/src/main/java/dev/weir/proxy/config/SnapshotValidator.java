package dev.weir.proxy.config;

import com.google.protobuf.Timestamp;
import dev.weir.api.rules.Address;
import dev.weir.api.rules.RuleViolation;
import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.proxy.tls.BackendTls;
import dev.weir.proxy.tls.ServerTls;
import dev.weir.proxy.tls.TlsTerminationConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a snapshot from the control plane into a {@link ProxyConfig}, or explains why it can't.
 *
 * <p>The rules are {@link SnapshotRules}, the ones the control plane checks before it commits a
 * snapshot. A proxy checks them again because it must never trust bytes off the wire to be
 * well-formed: a newer control plane may send an algorithm this proxy doesn't know, and the NACK
 * reason is how the operator finds out.
 */
public final class SnapshotValidator {

  private SnapshotValidator() {}

  public static ProxyConfig validate(ConfigSnapshot snapshot) throws InvalidConfigException {
    try {
      SnapshotRules.check(snapshot);
      List<PoolConfig> pools = new ArrayList<>(snapshot.getPoolsCount());
      for (Pool pool : snapshot.getPoolsList()) {
        pools.add(pool(pool));
      }
      return new ProxyConfig(snapshot.getVersion(), pools);
    } catch (RuleViolation e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }

  private static PoolConfig pool(Pool pool) throws RuleViolation {
    String where = "pool " + pool.getName();
    Address listen = Address.parse(where + ": listen", pool.getListen(), true);
    return new PoolConfig(
        pool.getName(),
        listen.host(),
        listen.port(),
        pool.getAlgorithm(),
        backends(where, pool),
        SettingsParser.parse(pool.getSettings()),
        SnapshotRules.connectAuthorities(pool),
        pool.getSettings().getTlsRouting().getEnabled()
            ? TlsRoutingConfig.of(
                pool.getSettings().getTlsRouting(), SnapshotRules.serverNames(pool))
            : null,
        tlsTermination(pool));
  }

  /**
   * The pool's TLS termination, its files read and checked here: only a proxy has them, and a
   * config naming one it cannot serve is refused, so the one in force keeps serving.
   */
  private static TlsTerminationConfig tlsTermination(Pool pool) throws RuleViolation {
    if (!pool.getSettings().getTlsTermination().getEnabled()) {
      return null;
    }
    TlsTerminationConfig config = TlsTerminationConfig.of(pool.getSettings().getTlsTermination());
    try {
      ServerTls.check(pool.getName(), config);
      if (config.backend() != null) {
        BackendTls.load(pool.getName(), config.backend());
      }
    } catch (IllegalArgumentException e) {
      throw new RuleViolation(e.getMessage());
    }
    return config;
  }

  private static List<BackendConfig> backends(String where, Pool pool) throws RuleViolation {
    List<BackendConfig> backends = new ArrayList<>(pool.getBackendsCount());
    for (Backend backend : pool.getBackendsList()) {
      Address address =
          Address.parse(
              where + ": backend " + backend.getAddress() + ": address",
              backend.getAddress(),
              false);
      boolean draining = backend.getState() == BackendState.DRAINING;
      Instant deadline =
          draining && backend.hasDrainDeadline() ? instant(backend.getDrainDeadline()) : null;
      backends.add(
          new BackendConfig(
              backend.getAddress(),
              address.toSocketAddress(),
              backend.getWeight(),
              draining,
              backend.getEffectiveWeight(),
              deadline));
    }
    return backends;
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
