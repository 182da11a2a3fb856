package dev.weir.cli;

import dev.weir.cli.session.Console;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A console that is a terminal or not as the test says, and whose sleeps only move its clock
 * forward: polling loops run at once and still see time pass. Pass {@link #clock()} to {@link
 * CliRunner#withClock}.
 */
public final class TestConsole implements Console {

  private final boolean interactive;
  private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

  private TestConsole(boolean interactive) {
    this.interactive = interactive;
  }

  public static TestConsole terminal() {
    return new TestConsole(true);
  }

  public static TestConsole script() {
    return new TestConsole(false);
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public void sleep(Duration duration) {
    now = now.plus(duration);
  }

  public Clock clock() {
    return new Clock() {
      @Override
      public Instant instant() {
        return now;
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
      }
    };
  }
}
