package dev.weir.control.pool;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A pool's guards against a change that would leave it too thin.
 *
 * <p>A guard refuses only a change that makes things worse while leaving the pool beyond its limit:
 * a pool already below {@code min_healthy_backends} can still gain or undrain backends, and a guard
 * set on a pool that does not meet it takes effect for the next change that would thin it further.
 * The pool's guards after the change apply (so a change may lower them); a deleted pool is held to
 * the guards it had. New pools carry no traffic yet and are not checked.
 *
 * <ul>
 *   <li>{@code min_healthy_backends}: counts backends that are ACTIVE and not unhealthy fleet-wide
 *       ({@link BackendHealthView}); a change may not bring that count below the minimum and lower
 *       than it was.
 *   <li>{@code max_drain_percent}: DRAINING backends as a percent of all the pool's backends; a
 *       change may not raise that share above the maximum.
 * </ul>
 */
final class GuardCheck {
  private static final String OVERRIDE = "use force to override";

  private GuardCheck() {}

  /**
   * A broken guard.
   *
   * @param detail what breaks it, starting with the guard: "guard min_healthy_backends is 2: ..."
   */
  record Violation(String pool, String detail) {
    /** The line the diff of a forced change carries. */
    String note() {
      return "! pool " + pool + " forced: " + detail;
    }
  }

  /** What {@code before -> after} breaks, one per broken guard; empty if nothing. */
  static List<Violation> violations(List<Pool> before, List<Pool> after, BackendHealthView health) {
    Map<String, Pool> now =
        after.stream().collect(Collectors.toMap(Pool::getName, Function.identity()));
    List<Violation> violations = new ArrayList<>();
    for (Pool was : before) {
      Pool is = now.get(was.getName());
      Guards guards = is != null ? is.getSettings().getGuards() : was.getSettings().getGuards();
      if (was.equals(is)) {
        continue;
      }
      minHealthy(was, is, guards, health, violations);
      maxDraining(was, is, guards, violations);
    }
    return violations;
  }

  /** The message of a refusal. */
  static String refusal(List<Violation> violations) {
    return violations.stream()
            .map(v -> "pool \"" + v.pool() + "\" " + v.detail())
            .collect(Collectors.joining("; "))
        + "; "
        + OVERRIDE;
  }

  private static void minHealthy(
      Pool was, Pool is, Guards guards, BackendHealthView health, List<Violation> violations) {
    long min = Integer.toUnsignedLong(guards.getMinHealthyBackends());
    if (min == 0) {
      return;
    }
    int before = healthy(was, health);
    int after = is == null ? 0 : healthy(is, health);
    if (after < min && after < before) {
      int unhealthy = is == null ? 0 : unhealthyActive(is, health);
      violations.add(
          new Violation(
              was.getName(),
              "guard min_healthy_backends is "
                  + min
                  + ": this change would leave "
                  + after
                  + " healthy ACTIVE backend"
                  + (after == 1 ? "" : "s")
                  + " (now "
                  + before
                  + ")"
                  + (unhealthy > 0
                      ? "; "
                          + unhealthy
                          + " other ACTIVE backend"
                          + (unhealthy == 1 ? " is" : "s are")
                          + " unhealthy fleet-wide"
                      : "")
                  + (is == null ? "; deleting the pool leaves none" : "")));
    }
  }

  private static void maxDraining(Pool was, Pool is, Guards guards, List<Violation> violations) {
    long max = Integer.toUnsignedLong(guards.getMaxDrainPercent());
    if (max == 0 || is == null) {
      return;
    }
    int total = is.getBackendsCount();
    int draining = draining(is);
    // Compared as fractions (draining / total) to stay exact.
    boolean over = draining * 100L > max * total;
    boolean worse = (long) draining * was.getBackendsCount() > (long) draining(was) * total;
    if (over && worse) {
      violations.add(
          new Violation(
              was.getName(),
              "guard max_drain_percent is "
                  + max
                  + ": this change would leave "
                  + draining
                  + " of "
                  + total
                  + " backends DRAINING ("
                  + percent(draining, total)
                  + "%, now "
                  + draining(was)
                  + " of "
                  + was.getBackendsCount()
                  + ")"));
    }
  }

  private static int healthy(Pool pool, BackendHealthView health) {
    int count = 0;
    for (Backend backend : pool.getBackendsList()) {
      if (backend.getState() == BackendState.ACTIVE
          && !health.unhealthy(pool.getName(), backend.getAddress())) {
        count++;
      }
    }
    return count;
  }

  private static int unhealthyActive(Pool pool, BackendHealthView health) {
    int count = 0;
    for (Backend backend : pool.getBackendsList()) {
      if (backend.getState() == BackendState.ACTIVE
          && health.unhealthy(pool.getName(), backend.getAddress())) {
        count++;
      }
    }
    return count;
  }

  private static int draining(Pool pool) {
    return (int)
        pool.getBackendsList().stream().filter(b -> b.getState() == BackendState.DRAINING).count();
  }

  private static long percent(int part, int whole) {
    return whole == 0 ? 0 : Math.round(part * 100.0 / whole);
  }
}
