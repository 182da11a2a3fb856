package dev.weir.control.reports;

import dev.weir.api.v1.BackendStats;

/** A backend as the fleet-wide view tracks it: its pool and its address in normal form. */
public record BackendKey(String pool, String address) {

  public static BackendKey of(BackendStats stats) {
    return new BackendKey(stats.getPool(), stats.getAddress());
  }

  @Override
  public String toString() {
    return pool + "/" + address;
  }
}
