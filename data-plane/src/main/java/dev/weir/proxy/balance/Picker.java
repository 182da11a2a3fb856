package dev.weir.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;

/** Chooses the backend for each new connection. Safe for concurrent use. */
public interface Picker {

  /**
   * The backend for a new connection from {@code client}, or {@code null} when no backend takes new
   * connections. Only hashing pickers look at the client.
   */
  Upstream pick(InetSocketAddress client);

  /** Every backend this picker chooses from, for trying the others when a connect fails. */
  List<Upstream> candidates();
}
