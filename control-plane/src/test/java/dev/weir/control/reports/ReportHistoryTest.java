package dev.weir.control.reports;

import static dev.weir.control.testing.StatsReports.report;
import static dev.weir.control.testing.StatsReports.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.weir.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReportHistoryTest {
  private static final String A = "10.0.0.1:80";
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final ReportHistory history = new ReportHistory(clock);

  @Test
  void aRateIsTheCounterDifferenceOverTheTimeBetweenTwoReports() {
    history.statsReported(
        "p1", report(T0, stats("web", A).setTotalConnections(100).setConnectFailures(4)));
    history.statsReported(
        "p1",
        report(T0.plusSeconds(5), stats("web", A).setTotalConnections(150).setConnectFailures(9)));

    Rate rate = history.rate("web", A);
    assertThat(rate.connectionsPerSecond()).isCloseTo(10, within(1e-9));
    assertThat(rate.failuresPerSecond()).isCloseTo(1, within(1e-9));
    assertThat(rate.failureRatio()).isCloseTo(1 / 11.0, within(1e-9));
  }

  @Test
  void ratesAreSummedOverProxies() {
    for (String proxy : new String[] {"p1", "p2"}) {
      history.statsReported(proxy, report(T0, stats("web", A).setTotalConnections(10)));
      history.statsReported(
          proxy, report(T0.plusSeconds(2), stats("web", A).setTotalConnections(30)));
    }

    assertThat(history.rate("web", A).connectionsPerSecond()).isCloseTo(20, within(1e-9));
  }

  @Test
  void withOneReportThereIsNoRateYet() {
    history.statsReported("p1", report(T0, stats("web", A).setTotalConnections(100)));

    assertThat(history.rate("web", A)).isEqualTo(Rate.ZERO);
  }

  @Test
  void aCounterThatWentDownIsAResetAndGivesNoRate() {
    history.statsReported("p1", report(T0, stats("web", A).setTotalConnections(1000)));
    history.statsReported("p1", report(T0.plusSeconds(1), stats("web", A).setTotalConnections(3)));

    assertThat(history.rate("web", A)).isEqualTo(Rate.ZERO);

    history.statsReported("p1", report(T0.plusSeconds(2), stats("web", A).setTotalConnections(8)));
    assertThat(history.rate("web", A).connectionsPerSecond()).isCloseTo(5, within(1e-9));
  }

  @Test
  void aNewStreamStartsTheProxyAfreshAndADisconnectedOneCountsNoMore() {
    history.statsReported("p1", report(T0, stats("web", A).setTotalConnections(0)));
    history.statsReported("p1", report(T0.plusSeconds(1), stats("web", A).setTotalConnections(7)));
    history.statsReported("p2", report(T0, stats("web", A).setTotalConnections(0)));
    history.statsReported("p2", report(T0.plusSeconds(1), stats("web", A).setTotalConnections(5)));

    history.proxyConnected("p1");
    assertThat(history.rate("web", A).connectionsPerSecond()).isCloseTo(5, within(1e-9));
    history.proxyDisconnected("p2");

    assertThat(history.rate("web", A)).isEqualTo(Rate.ZERO);
    assertThat(history.latestReports()).isEmpty();
  }

  @Test
  void reportsWithoutTheirOwnTimeAreTimedByArrival() {
    history.statsReported("p1", report(stats("web", A).setTotalConnections(0)));
    clock.advance(Duration.ofMillis(500));
    history.statsReported("p1", report(stats("web", A).setTotalConnections(4)));

    assertThat(history.rate("web", A).connectionsPerSecond()).isCloseTo(8, within(1e-9));
  }

  @Test
  void aBackendNewToTheProxyCountsFromZero() {
    history.statsReported("p1", report(T0));
    history.statsReported("p1", report(T0.plusSeconds(2), stats("web", A).setTotalConnections(6)));

    assertThat(history.rate("web", A).connectionsPerSecond()).isCloseTo(3, within(1e-9));
  }
}
