package dev.weir.control.reports;

/** How fast a backend takes new connections and fails connects, per second. */
public record Rate(double connectionsPerSecond, double failuresPerSecond) {

  public static final Rate ZERO = new Rate(0, 0);

  public Rate plus(Rate other) {
    return new Rate(
        connectionsPerSecond + other.connectionsPerSecond,
        failuresPerSecond + other.failuresPerSecond);
  }

  /** Failed connects as a share of all connect attempts, 0..1; 0 when there were none. */
  public double failureRatio() {
    double attempts = connectionsPerSecond + failuresPerSecond;
    return attempts > 0 ? failuresPerSecond / attempts : 0;
  }
}
