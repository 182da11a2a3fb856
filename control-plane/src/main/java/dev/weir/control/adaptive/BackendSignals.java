package dev.weir.control.adaptive;

/**
 * What the fleet reports about one ACTIVE backend over the last interval, the inputs of {@link
 * WeightFactors}.
 *
 * @param weight the configured weight
 * @param connectP99Micros the proxies' 99th percentile connect time, averaged over those that
 *     connected to it in their last interval; 0 when none did
 * @param failureRatio failed connects as a share of attempts, 0..1
 * @param activePerWeight open connections over the fleet per unit of configured weight
 * @param reported whether any connected proxy reports on it; one that none does keeps its factor
 */
record BackendSignals(
    String address,
    int weight,
    double connectP99Micros,
    double failureRatio,
    double activePerWeight,
    boolean reported) {}
