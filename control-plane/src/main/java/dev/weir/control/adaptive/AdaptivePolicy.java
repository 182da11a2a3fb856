package dev.weir.control.adaptive;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.AdaptiveWeights;
import java.time.Duration;

/**
 * A pool's {@code adaptive_weights} setting with its defaults applied.
 *
 * @param min the lowest effective/configured weight, as a fraction (0.1 for 10%)
 * @param max the highest, as a fraction (2.0 for 200%)
 */
record AdaptivePolicy(boolean enabled, double min, double max, Duration interval) {
  static final int DEFAULT_MIN_PERCENT = 10;
  static final int DEFAULT_MAX_PERCENT = 200;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  static AdaptivePolicy of(AdaptiveWeights settings) {
    int minPercent = settings.getMinPercent() != 0 ? settings.getMinPercent() : DEFAULT_MIN_PERCENT;
    int maxPercent = settings.getMaxPercent() != 0 ? settings.getMaxPercent() : DEFAULT_MAX_PERCENT;
    // The registry refuses bounds the wrong way round; a config from elsewhere still gets a
    // usable range.
    maxPercent = Math.max(minPercent, maxPercent);
    Duration interval =
        settings.hasInterval() && Durations.toNanos(settings.getInterval()) > 0
            ? Duration.ofNanos(Durations.toNanos(settings.getInterval()))
            : DEFAULT_INTERVAL;
    return new AdaptivePolicy(
        settings.getEnabled(), minPercent / 100.0, maxPercent / 100.0, interval);
  }
}
