package dev.weir.control.pool;

import dev.weir.api.v1.ConfigSnapshot;

/** Told about each new config version once it is durable. */
@FunctionalInterface
public interface ConfigListener {

  /**
   * Called after the commit, outside the registry's lock, possibly from several threads at once: a
   * listener may see versions out of order and should keep the highest. Must not block.
   */
  void configChanged(ConfigSnapshot snapshot);
}
