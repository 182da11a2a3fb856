package dev.weir.control.ha;

/**
 * Whether this control plane may run the duties that must have one writer across replicas (adaptive
 * weights, history compaction). Callers ask before each round of such a duty, so a replica that
 * loses leadership stops at its next round.
 */
@FunctionalInterface
public interface Leadership {
  /** The only control plane there is: always the leader (the embedded store). */
  Leadership ALWAYS = () -> true;

  boolean isLeader();
}
