package dev.weir.control.adaptive;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The arithmetic of adaptive weights: each interval, every reported backend's factor (effective /
 * configured weight) is multiplied by a step from three signals, each compared with the pool's
 * median: connect latency (p99), failure ratio, and open connections per unit of weight.
 *
 * <p>A signal's verdict is {@code (median + floor) / (value + floor)}: below 1 for a backend worse
 * than the median, above 1 for a better one. The floors keep small absolute differences (0.2 ms
 * against 0.1 ms, 1 connection against none) from counting as large ratios, and verdicts within
 * {@value #DEAD_ZONE} of 1 count as 1, so a pool of equal backends stays put. The step applies only
 * {@value #GAIN} of the combined verdict and at most ×{@value #MAX_STEP} either way, so factors
 * move over several intervals rather than jump; because the step multiplies, a backend that stays
 * slower keeps losing share until its lighter load balances its latency, or it meets the pool's
 * lower bound.
 *
 * <p>Factors are then scaled so the weight-weighted mean of the reported backends' factors is 1
 * (the pool's total weight stays what the operator set, shifted between backends), and clamped to
 * the policy's bounds.
 */
final class WeightFactors {
  static final double DEAD_ZONE = 0.10;
  static final double GAIN = 0.25;
  static final double MAX_STEP = 1.25;
  static final double LATENCY_FLOOR_MICROS = 1_000;
  static final double FAILURE_RATIO_FLOOR = 0.05;
  static final double LOAD_FLOOR = 1.0;

  private WeightFactors() {}

  /**
   * The factors for the next interval, by address. Backends not reported keep their factor; with
   * fewer than two reported backends there is no median to compare with and nothing changes.
   *
   * @param current each backend's factor now (1.0 where it has none)
   */
  static Map<String, Double> next(
      List<BackendSignals> signals, Map<String, Double> current, AdaptivePolicy policy) {
    Map<String, Double> next = new HashMap<>();
    List<BackendSignals> reported = new ArrayList<>();
    for (BackendSignals s : signals) {
      next.put(s.address(), current.getOrDefault(s.address(), 1.0));
      if (s.reported()) {
        reported.add(s);
      }
    }
    if (reported.size() < 2) {
      return next;
    }
    double latency = median(reported, BackendSignals::connectP99Micros, true);
    double failures = median(reported, BackendSignals::failureRatio, false);
    double load = median(reported, BackendSignals::activePerWeight, false);
    double weighted = 0;
    double weights = 0;
    for (BackendSignals s : reported) {
      double verdict =
          verdict(failures, s.failureRatio(), FAILURE_RATIO_FLOOR)
              * verdict(load, s.activePerWeight(), LOAD_FLOOR);
      if (s.connectP99Micros() > 0 && !Double.isNaN(latency)) {
        verdict *= verdict(latency, s.connectP99Micros(), LATENCY_FLOOR_MICROS);
      }
      double step = clamp(1 + GAIN * (verdict - 1), 1 / MAX_STEP, MAX_STEP);
      double factor = next.get(s.address()) * step;
      next.put(s.address(), factor);
      weighted += factor * s.weight();
      weights += s.weight();
    }
    double mean = weighted / weights;
    for (BackendSignals s : reported) {
      next.put(s.address(), clamp(next.get(s.address()) / mean, policy.min(), policy.max()));
    }
    return next;
  }

  /** How a value compares with the median, as a multiplier; 1 within the dead zone. */
  static double verdict(double median, double value, double floor) {
    double ratio = (median + floor) / (value + floor);
    return Math.abs(ratio - 1) <= DEAD_ZONE ? 1 : ratio;
  }

  /** The median; over positive values only if {@code positiveOnly}; NaN when there are none. */
  private static double median(
      List<BackendSignals> signals, ToDoubleFunction<BackendSignals> of, boolean positiveOnly) {
    double[] values =
        signals.stream().mapToDouble(of).filter(v -> !positiveOnly || v > 0).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }
}
