package dev.weir.control.pool;

import dev.weir.api.v1.MutationOptions;

/**
 * Who asks for a change, through which rpc, and how it is to be carried out.
 *
 * @param operation the rpc name recorded in the revision, e.g. "DrainBackend"
 * @param actor the caller as the control plane established it, recorded in the revision
 * @param dryRun validate and compute the diff, change nothing
 * @param force apply even if it breaks the pool's guards; the revision's diff says so
 */
public record ChangeIntent(String operation, String actor, boolean dryRun, boolean force) {

  public static ChangeIntent of(String operation, String actor, MutationOptions options) {
    return new ChangeIntent(operation, actor, options.getDryRun(), options.getForce());
  }

  /** A change the control plane makes on its own behalf, applied for real and guarded. */
  public static ChangeIntent internal(String operation) {
    return new ChangeIntent(operation, "weir-control", false, false);
  }
}
