package dev.weir.proxy.testing;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.ProxyConfig;
import dev.weir.proxy.config.SnapshotValidator;

/** Configs built as the control plane sends them and validated the way the proxy does. */
public final class Snapshots {

  private Snapshots() {}

  /** A pool listening on 127.0.0.1:{@code port}. */
  public static Pool.Builder pool(String name, int port, Algorithm algorithm) {
    return Pool.newBuilder().setName(name).setListen("127.0.0.1:" + port).setAlgorithm(algorithm);
  }

  public static Backend active(String address) {
    return backend(address, 1, BackendState.ACTIVE);
  }

  public static Backend draining(String address) {
    return backend(address, 1, BackendState.DRAINING);
  }

  public static Backend backend(String address, int weight, BackendState state) {
    return Backend.newBuilder().setAddress(address).setWeight(weight).setState(state).build();
  }

  public static ProxyConfig config(long version, Pool.Builder... pools) {
    ConfigSnapshot.Builder snapshot = ConfigSnapshot.newBuilder().setVersion(version);
    for (Pool.Builder pool : pools) {
      snapshot.addPools(pool);
    }
    try {
      return SnapshotValidator.validate(snapshot.build());
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException("test config is invalid: " + e.getMessage(), e);
    }
  }
}
