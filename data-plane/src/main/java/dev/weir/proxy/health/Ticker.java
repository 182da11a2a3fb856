package dev.weir.proxy.health;

/**
 * Time as the health state machines see it, so tests can drive rise/fall, ejections and slow start
 * with a fake clock.
 */
public interface Ticker {

  Ticker SYSTEM =
      new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
          return System.currentTimeMillis();
        }
      };

  /** Monotonic time for every duration and deadline. */
  long nanoTime();

  /** Wall-clock time, only to report when an ejection ends. */
  long currentTimeMillis();
}
