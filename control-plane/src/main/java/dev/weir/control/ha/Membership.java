package dev.weir.control.ha;

/**
 * Which control-plane replicas share the store: each one registers itself (its id and the address
 * the others reach it at) and hears of the others joining and leaving. The embedded store has one
 * control plane, so {@link #NONE}.
 */
public interface Membership extends AutoCloseable {
  /** Told on one thread, in order. Also told of this replica itself. */
  interface Listener {
    void joined(String replicaId, String address);

    void left(String replicaId);
  }

  Membership NONE =
      new Membership() {
        @Override
        public void join(String replicaId, String address, Listener listener) {}

        @Override
        public void close() {}
      };

  /** Registers this replica and starts telling {@code listener} about every member. */
  void join(String replicaId, String address, Listener listener);

  /** Leaves: the others hear of it at once. Idempotent. */
  @Override
  void close();
}
