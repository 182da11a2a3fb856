package dev.weir.proxy.control;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ListenerStats;
import dev.weir.proxy.config.InvalidConfigException;
import java.util.List;

/** What the control stream drives: the proxy's listeners and pools. */
public interface ConfigApplier {

  /** Applies the snapshot whole, or throws and leaves the previous config serving. */
  void apply(ConfigSnapshot snapshot) throws InvalidConfigException;

  /** The config version in force; 0 before the first. */
  long version();

  List<BackendStats> backendStats();

  List<ListenerStats> listenerStats();
}
