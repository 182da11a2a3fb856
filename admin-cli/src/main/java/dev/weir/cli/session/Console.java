package dev.weir.cli.session;

import java.time.Duration;

/**
 * Where weirctl runs: whether a person watches stdout (so progress may rewrite one line) or a
 * script reads it (so only lines that stay), and how a command waits between two polls. Tests pass
 * one that does not sleep.
 */
public interface Console {

  /** A terminal when the JVM has one, else a script; real sleeps. */
  static Console system() {
    boolean terminal = System.console() != null;
    return new Console() {
      @Override
      public boolean interactive() {
        return terminal;
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
      }
    };
  }

  /** Output for scripts, real sleeps: what an embedding program gets. */
  static Console script() {
    return new Console() {
      @Override
      public boolean interactive() {
        return false;
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
      }
    };
  }

  /** Whether stdout is a terminal a person watches. */
  boolean interactive();

  void sleep(Duration duration) throws InterruptedException;
}
