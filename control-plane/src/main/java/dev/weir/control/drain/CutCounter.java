package dev.weir.control.drain;

/**
 * One proxy's connections cut by drain deadlines since a drain started. Proxies count cuts from
 * their own start, so this subtracts the count at the drain's start, and banks what was counted
 * before the proxy restarted (its count went down) rather than losing or subtracting it.
 */
final class CutCounter {
  private long banked;
  private long baseline;
  private long last;

  /**
   * @param baseline the proxy's count when the drain started
   */
  CutCounter(long baseline) {
    this.baseline = baseline;
    this.last = baseline;
  }

  void observe(long count) {
    if (count < last) {
      banked += last - baseline;
      baseline = 0;
    }
    last = count;
  }

  long cut() {
    return banked + last - baseline;
  }
}
