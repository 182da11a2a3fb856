package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Tuning;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsRulesTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.weir.control.testing.SettingsCases#accepted")
  void settingsJustInsideTheirBoundsAreKeptAsGiven(PoolSettings settings) {
    assertThat(SettingsRules.settings(settings)).isEqualTo(settings);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.weir.control.testing.SettingsCases#rejected")
  void settingsJustOutsideTheirBoundsAreInvalidNamingTheFieldPath(
      PoolSettings settings, String description) {
    assertThatThrownBy(() -> SettingsRules.settings(settings))
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(status.getDescription()).startsWith(description);
            });
  }

  @Test
  void zeroDurationsAndEmptyMessagesMeanTheDefaultAndAreLeftOut() {
    PoolSettings verbose =
        PoolSettings.newBuilder()
            .setHealthCheck(
                HealthCheck.newBuilder()
                    .setKind(HealthCheck.Kind.TCP)
                    .setInterval(Duration.getDefaultInstance()))
            .setOutlierDetection(OutlierDetection.getDefaultInstance())
            .setSlowStart(Duration.getDefaultInstance())
            .setLimits(Limits.newBuilder().setIdleTimeout(Duration.getDefaultInstance()))
            .setTuning(Tuning.getDefaultInstance())
            .build();

    assertThat(SettingsRules.settings(verbose))
        .isEqualTo(
            PoolSettings.newBuilder()
                .setHealthCheck(HealthCheck.newBuilder().setKind(HealthCheck.Kind.TCP))
                .build());
  }

  @Test
  void settingsHoldingOnlyDefaultsBecomeTheDefaultInstance() {
    PoolSettings empty = PoolSettings.newBuilder().setLimits(Limits.getDefaultInstance()).build();

    assertThat(SettingsRules.settings(empty)).isEqualTo(PoolSettings.getDefaultInstance());
  }

  @Test
  void defaultsAreNotFilledIn() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setHealthCheck(HealthCheck.newBuilder().setKind(HealthCheck.Kind.HTTP))
            .build();

    HealthCheck kept = SettingsRules.settings(settings).getHealthCheck();

    assertThat(kept.hasInterval()).isFalse();
    assertThat(kept.getRise()).isZero();
    assertThat(kept.getHttpPath()).isEmpty();
  }
}
