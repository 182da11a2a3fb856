package dev.weir.control.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.control.pool.ConfigLimits;
import dev.weir.control.pool.PoolMutations;
import dev.weir.control.store.FileConfigStore;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.proxy.config.SnapshotValidator;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/**
 * Drives AdminService with generated requests against a real control plane on a fresh data dir per
 * input. After every call: either it succeeded, the whole configuration still passes every rule (as
 * a rollback to it would check it) and the proxy's own validator accepts the snapshot the control
 * plane committed, or it failed with one of the statuses the API documents for bad input and the
 * configuration is byte for byte what it was. After the last call the store, opened again, holds
 * exactly the configuration the API last showed.
 *
 * <p>{@code mvn verify} runs the seeds in {@code AdminServiceFuzzTestInputs} only. To fuzz: {@code
 * JAZZER_FUZZ=1 mvn -o -pl control-plane -am test -Dtest=AdminServiceFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration=10m} (findings land in the inputs
 * directory, so they become regression seeds).
 */
class AdminServiceFuzzTest {
  private static final Set<Status.Code> REFUSALS =
      EnumSet.of(
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.FAILED_PRECONDITION);
  private static final String[] POOLS = {"web", "api", "db"};
  private static final int MAX_CALLS = 24;
  // How PoolRegistry ends a refusal by the proxies' rules, the final gate: counted apart, since
  // each one is a rule the control plane's own checks missed.
  private static final String PROXIES_REFUSE =
      "the proxies would refuse this configuration, so nothing was changed";
  // What the inputs led to, printed at the end: shows the seeds reach past validation.
  private static final Map<String, LongAdder> OUTCOMES = new ConcurrentSkipListMap<>();

  @AfterAll
  static void printOutcomes() {
    System.out.println("AdminServiceFuzzTest outcomes: " + OUTCOMES);
  }

  @FuzzTest(maxDuration = "5m")
  void everyCallLeavesAValidConfigOrNoChangeAtAll(FuzzedDataProvider data) throws Exception {
    Path dataDir = Files.createTempDirectory("weir-fuzz-admin");
    try {
      ListPoolsResponse last;
      try (InProcessControlPlane control = new InProcessControlPlane(dataDir)) {
        last = control.listPools();
        for (int i = 0; i < MAX_CALLS && data.remainingBytes() > 0; i++) {
          last = callAndCheck(control, data, last);
        }
      }
      try (FileConfigStore store = FileConfigStore.open(dataDir)) {
        ConfigSnapshot stored = store.load();
        assertThat(stored.getVersion()).isEqualTo(last.getConfigVersion());
        assertThat(stored.getPoolsList()).isEqualTo(last.getPoolsList());
      }
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private static ListPoolsResponse callAndCheck(
      InProcessControlPlane control, FuzzedDataProvider data, ListPoolsResponse before) {
    try {
      call(control.admin(), data);
    } catch (StatusRuntimeException e) {
      count(
          e.getStatus().getCode().name()
              + (String.valueOf(e.getStatus().getDescription()).endsWith(PROXIES_REFUSE)
                  ? " (proxies' rules)"
                  : ""));
      assertThat(REFUSALS)
          .as("status of a refused call: %s", e.getStatus())
          .contains(e.getStatus().getCode());
      assertThat(e.getStatus().getDescription()).as("a refusal says why").isNotBlank();
      ListPoolsResponse after = control.listPools();
      assertThat(after.toByteString())
          .as("config after %s", e.getStatus())
          .isEqualTo(before.toByteString());
      return after;
    }
    ListPoolsResponse after = control.listPools();
    count(after.getConfigVersion() > before.getConfigVersion() ? "OK, changed" : "OK, no change");
    assertThat(after.getConfigVersion())
        .isBetween(before.getConfigVersion(), before.getConfigVersion() + 1);
    // Throws, naming the field, if any pool breaks a rule.
    PoolMutations.restore(after.getConfigVersion(), after.getPoolsList());
    ConfigLimits.check(after.getPoolsList());
    ConfigSnapshot committed =
        ConfigSnapshot.newBuilder()
            .setVersion(after.getConfigVersion())
            .addAllPools(after.getPoolsList())
            .build();
    assertThatCode(() -> SnapshotValidator.validate(committed))
        .as("the proxies' verdict on committed version %d", committed.getVersion())
        .doesNotThrowAnyException();
    return after;
  }

  private static void call(AdminServiceBlockingStub admin, FuzzedDataProvider data) {
    switch (data.consumeInt(0, 10)) {
      case 0 -> admin.createPool(createPool(data));
      case 1 ->
          admin.deletePool(
              DeletePoolRequest.newBuilder().setName(pool(data)).setOptions(options(data)).build());
      case 2 -> {
        AddBackendRequest.Builder request =
            AddBackendRequest.newBuilder()
                .setPool(pool(data))
                .setAddress(address(data))
                .setOptions(options(data));
        if (data.consumeBoolean()) {
          request.setWeight(data.consumeInt());
        }
        admin.addBackend(request.build());
      }
      case 3 ->
          admin.removeBackend(
              RemoveBackendRequest.newBuilder()
                  .setPool(pool(data))
                  .setAddress(address(data))
                  .setOptions(options(data))
                  .build());
      case 4 ->
          admin.setBackendWeight(
              SetBackendWeightRequest.newBuilder()
                  .setPool(pool(data))
                  .setAddress(address(data))
                  .setWeight(data.consumeInt())
                  .setOptions(options(data))
                  .build());
      case 5 ->
          admin.drainBackend(
              DrainBackendRequest.newBuilder()
                  .setPool(pool(data))
                  .setAddress(address(data))
                  .setDeadline(
                      Duration.newBuilder()
                          .setSeconds(data.consumeLong())
                          .setNanos(data.consumeInt()))
                  .setOptions(options(data))
                  .build());
      case 6 ->
          admin.undrainBackend(
              UndrainBackendRequest.newBuilder()
                  .setPool(pool(data))
                  .setAddress(address(data))
                  .setOptions(options(data))
                  .build());
      case 7 ->
          admin.rollback(
              RollbackRequest.newBuilder()
                  .setVersion(data.consumeLong(0, 12))
                  .setOptions(options(data))
                  .build());
      case 8 -> admin.importConfig(importConfig(data));
      default -> admin.updatePool(updatePool(data));
    }
  }

  /**
   * Pools as a file given to {@code weirctl import} may hold them: fields left unset, or any value
   * at all, and settings from whatever the bytes say.
   */
  private static ImportConfigRequest importConfig(FuzzedDataProvider data) {
    ImportConfigRequest.Builder request =
        ImportConfigRequest.newBuilder().setOptions(options(data));
    int pools = data.consumeInt(0, 3);
    for (int p = 0; p < pools; p++) {
      Pool.Builder pool =
          Pool.newBuilder()
              .setName(pool(data))
              .setListen(listen(data))
              .setAlgorithmValue(data.consumeInt(-1, 7));
      int backends = data.consumeInt(0, 4);
      for (int i = 0; i < backends; i++) {
        pool.addBackends(
            Backend.newBuilder()
                .setAddress(address(data))
                .setWeight(data.consumeInt(-1, 1001))
                .setStateValue(data.consumeInt(0, 3))
                .setEffectiveWeight(data.consumeBoolean() ? 0 : data.consumeInt()));
      }
      if (data.consumeBoolean()) {
        try {
          pool.setSettings(PoolSettings.parseFrom(data.consumeBytes(data.consumeInt(0, 200))));
        } catch (InvalidProtocolBufferException e) {
          pool.clearSettings();
        }
      }
      request.addPools(pool);
    }
    return request.build();
  }

  private static CreatePoolRequest createPool(FuzzedDataProvider data) {
    if (data.consumeBoolean()) {
      // Whatever the bytes say, unknown fields and all.
      try {
        return CreatePoolRequest.parseFrom(data.consumeBytes(data.consumeInt(0, 400)));
      } catch (InvalidProtocolBufferException e) {
        return CreatePoolRequest.getDefaultInstance();
      }
    }
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder()
            .setName(pool(data))
            .setListen(listen(data))
            .setAlgorithmValue(data.consumeInt(-1, 7))
            .setOptions(options(data));
    int backends = data.consumeInt(0, 4);
    for (int i = 0; i < backends; i++) {
      request.addBackends(
          Backend.newBuilder()
              .setAddress(address(data))
              .setWeight(data.consumeInt(-1, 1001))
              .setStateValue(data.consumeInt(0, 3)));
    }
    return request.build();
  }

  private static UpdatePoolRequest updatePool(FuzzedDataProvider data) {
    try {
      UpdatePoolRequest request =
          UpdatePoolRequest.parseFrom(data.consumeBytes(data.consumeInt(0, 400)));
      // Aim most of them at a pool that may exist, so the field checks behind it run too.
      if (data.consumeBoolean()) {
        request =
            request.toBuilder().setPool(request.getPool().toBuilder().setName(pool(data))).build();
      }
      return request;
    } catch (InvalidProtocolBufferException e) {
      return UpdatePoolRequest.getDefaultInstance();
    }
  }

  // Mostly plausible values, so calls get past the field checks to the ones that compare pools;
  // the rest anything at all.
  private static String pool(FuzzedDataProvider data) {
    return data.consumeInt(0, 7) == 0 ? data.consumeString(70) : data.pickValue(POOLS);
  }

  private static String listen(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 7)) {
      case 0 -> data.consumeString(40);
      case 1 -> ":" + data.consumeInt(-1, 70_000);
      default -> ":" + data.consumeInt(8080, 8083);
    };
  }

  private static String address(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 7)) {
      case 0 -> data.consumeString(300);
      case 1 -> "10.0.0." + data.consumeInt(0, 3) + ":" + data.consumeInt(-1, 70_000);
      default -> "10.0.0." + data.consumeInt(0, 3) + ":" + data.consumeInt(80, 81);
    };
  }

  private static MutationOptions options(FuzzedDataProvider data) {
    return MutationOptions.newBuilder()
        .setDryRun(data.consumeBoolean())
        .setForce(data.consumeBoolean())
        .build();
  }

  private static void count(String outcome) {
    OUTCOMES.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
