package dev.weir.proxy.balance;

import java.util.List;

/** Chooses the backend for each new connection. Safe for concurrent use. */
public interface Picker {

  /** The next backend, or {@code null} when no backend takes new connections. */
  Upstream pick();

  /** Every backend this picker chooses from, for trying the others when a connect fails. */
  List<Upstream> candidates();
}
