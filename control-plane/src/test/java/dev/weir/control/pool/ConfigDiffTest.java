package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
  private static final Pool WEB =
      Pool.newBuilder()
          .setName("web")
          .setListen(":8080")
          .setAlgorithm(Algorithm.ROUND_ROBIN)
          .addBackends(backend("10.0.0.5:80", 1, BackendState.ACTIVE))
          .addBackends(backend("10.0.0.6:80", 2, BackendState.ACTIVE))
          .build();

  @Test
  void equalConfigsHaveAnEmptyDiff() {
    assertThat(ConfigDiff.between(List.of(WEB), List.of(WEB.toBuilder().build()))).isEmpty();
  }

  @Test
  void aNewPoolIsListedWithItsSettingsAndBackends() {
    Pool created =
        WEB.toBuilder()
            .setSettings(
                PoolSettings.newBuilder()
                    .setHealthCheck(
                        HealthCheck.newBuilder()
                            .setKind(HealthCheck.Kind.HTTP)
                            .setInterval(Durations.fromSeconds(5))
                            .setHttpPath("/healthz"))
                    .setGuards(Guards.newBuilder().setMinHealthyBackends(1)))
            .setBackends(1, backend("10.0.0.6:80", 2, BackendState.DRAINING))
            .build();

    assertThat(ConfigDiff.lines(List.of(), List.of(created)))
        .containsExactly(
            "+ pool web listen :8080 algorithm round-robin",
            "+ pool web settings.health_check.kind http",
            "+ pool web settings.health_check.interval 5s",
            "+ pool web settings.health_check.http_path /healthz",
            "+ pool web settings.guards.min_healthy_backends 1",
            "+ pool web backend 10.0.0.5:80 weight 1",
            "+ pool web backend 10.0.0.6:80 weight 2 state draining");
  }

  @Test
  void aDeletedPoolIsOneLine() {
    assertThat(ConfigDiff.between(List.of(WEB), List.of())).isEqualTo("- pool web");
  }

  @Test
  void eachChangedFieldOfABackendIsALineWithBothValues() {
    Pool changed =
        WEB.toBuilder()
            .setBackends(
                0,
                backend("10.0.0.5:80", 3, BackendState.DRAINING).toBuilder()
                    .setDrainDeadline(Timestamps.fromSeconds(1_900_000_030L)))
            .build();

    assertThat(ConfigDiff.lines(List.of(WEB), List.of(changed)))
        .containsExactly(
            "~ pool web backend 10.0.0.5:80 weight 1 -> 3",
            "~ pool web backend 10.0.0.5:80 state active -> draining",
            "~ pool web backend 10.0.0.5:80 drain_deadline unset -> 2030-03-17T17:47:10Z");
  }

  @Test
  void addedAndRemovedBackendsAreLinesOfTheirOwn() {
    Pool changed =
        WEB.toBuilder()
            .removeBackends(0)
            .addBackends(backend("[::1]:81", 1, BackendState.ACTIVE))
            .build();

    assertThat(ConfigDiff.lines(List.of(WEB), List.of(changed)))
        .containsExactly("+ pool web backend [::1]:81 weight 1", "- pool web backend 10.0.0.5:80");
  }

  @Test
  void settingsChangesNameTheFieldPathWithUnsetForTheDefault() {
    Pool before =
        WEB.toBuilder()
            .setSettings(
                PoolSettings.newBuilder()
                    .setHealthCheck(
                        HealthCheck.newBuilder()
                            .setKind(HealthCheck.Kind.TCP)
                            .setInterval(Durations.fromSeconds(5)))
                    .setDrainTimeout(Durations.fromSeconds(90)))
            .build();
    Pool after =
        WEB.toBuilder()
            .setAlgorithm(Algorithm.LEAST_CONNECTIONS)
            .setListen("0.0.0.0:9090")
            .setSettings(
                PoolSettings.newBuilder()
                    .setHealthCheck(
                        HealthCheck.newBuilder()
                            .setKind(HealthCheck.Kind.TCP)
                            .setInterval(Durations.fromMillis(2000)))
                    .setSlowStart(Durations.fromSeconds(30)))
            .build();

    assertThat(ConfigDiff.lines(List.of(before), List.of(after)))
        .containsExactly(
            "~ pool web listen :8080 -> 0.0.0.0:9090",
            "~ pool web algorithm round-robin -> least-connections",
            "~ pool web settings.health_check.interval 5s -> 2s",
            "~ pool web settings.slow_start unset -> 30s",
            "~ pool web settings.drain_timeout 90s -> unset");
  }

  @Test
  void poolsComeInNameOrderWhateverTheInputOrder() {
    Pool api = WEB.toBuilder().setName("api").setListen(":8081").build();
    Pool mail = WEB.toBuilder().setName("mail").setListen(":25").build();

    assertThat(ConfigDiff.lines(List.of(mail), List.of(WEB, api)))
        .containsExactly(
            "+ pool api listen :8081 algorithm round-robin",
            "+ pool api backend 10.0.0.5:80 weight 1",
            "+ pool api backend 10.0.0.6:80 weight 2",
            "- pool mail",
            "+ pool web listen :8080 algorithm round-robin",
            "+ pool web backend 10.0.0.5:80 weight 1",
            "+ pool web backend 10.0.0.6:80 weight 2");
  }

  @Test
  void aNewOrderOfTheSameBackendsIsALine() {
    Pool reordered =
        WEB.toBuilder()
            .clearBackends()
            .addBackends(WEB.getBackends(1))
            .addBackends(WEB.getBackends(0))
            .build();

    assertThat(ConfigDiff.lines(List.of(WEB), List.of(reordered)))
        .containsExactly(
            "~ pool web backend order 10.0.0.5:80, 10.0.0.6:80 -> 10.0.0.6:80, 10.0.0.5:80");
  }

  private static Backend backend(String address, int weight, BackendState state) {
    return Backend.newBuilder().setAddress(address).setWeight(weight).setState(state).build();
  }
}
