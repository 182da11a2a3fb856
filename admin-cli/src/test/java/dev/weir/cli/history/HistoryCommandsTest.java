package dev.weir.cli.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.DiffRevisionsRequest;
import dev.weir.api.v1.DiffRevisionsResponse;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.ListRevisionsResponse;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.RollbackResponse;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HistoryCommandsTest {

  private static final ListRevisionsResponse REVISIONS =
      ListRevisionsResponse.newBuilder()
          .addRevisions(
              Revision.newBuilder()
                  .setVersion(12)
                  .setTime(Timestamps.parseUnchecked("2030-01-02T03:04:05.678Z"))
                  .setActor("alice@laptop (127.0.0.1:53211)")
                  .setOperation("DrainBackend")
                  .setDiff(
                      "~ pool web backend 10.0.0.5:80 state active -> draining\n"
                          + "! pool web forced: guard min_healthy_backends is 2: ..."))
          .addRevisions(
              Revision.newBuilder()
                  .setVersion(11)
                  .setTime(Timestamps.parseUnchecked("2030-01-02T03:00:00Z"))
                  .setActor("10.1.2.3:40000")
                  .setOperation("CreatePool")
                  .setDiff("+ pool web listen :8080 algorithm round-robin"))
          .build();

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void historyIsATableWithTheFirstLineOfEachDiffAndHowManyMore() {
    controlPlane.service().respondWith(REVISIONS);

    Result result = controlPlane.cli().run("history");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "VERSION   TIME                   ACTOR                            OPERATION      "
                + "SUMMARY",
            "12        2030-01-02T03:04:05Z   alice@laptop (127.0.0.1:53211)   DrainBackend   "
                + "~ pool web backend 10.0.0.5:80 state active -> draining (+1 more)",
            "11        2030-01-02T03:00:00Z   10.1.2.3:40000                   CreatePool     "
                + "+ pool web listen :8080 algorithm round-robin");
    assertThat(controlPlane.service().onlyRequest(ListRevisionsRequest.class))
        .isEqualTo(ListRevisionsRequest.getDefaultInstance());
  }

  @Test
  void limitAndBeforeAreSent() {
    controlPlane.service().respondWith(REVISIONS);

    controlPlane.cli().run("history", "--limit", "5", "--before", "12");

    assertThat(controlPlane.service().onlyRequest(ListRevisionsRequest.class))
        .isEqualTo(ListRevisionsRequest.newBuilder().setLimit(5).setBeforeVersion(12).build());
  }

  @Test
  void anEmptyHistorySaysSoAndJsonIsTheResponse() {
    controlPlane.service().respondWith(ListRevisionsResponse.getDefaultInstance());

    assertThat(controlPlane.cli().run("history").out()).isEqualTo("No revisions.\n");
    assertThat(controlPlane.cli().run("-o", "json", "history").out())
        .isEqualTo("{\n  \"revisions\": []\n}\n");
  }

  @Test
  void aLongSummaryIsCutToFitButStillSaysHowManyMore() {
    String summary = HistoryCommand.summary("~ " + "x".repeat(200) + "\nsecond\nthird");

    assertThat(summary).hasSize(HistoryCommand.SUMMARY_WIDTH).endsWith("... (+2 more)");
  }

  @Test
  void diffWithOneVersionComparesItWithTheCurrentConfig() {
    controlPlane
        .service()
        .respondWith(
            DiffRevisionsResponse.newBuilder().setDiff("- pool api\n+ pool web x").build());

    Result result = controlPlane.cli().run("diff", "41");

    assertThat(controlPlane.service().onlyRequest(DiffRevisionsRequest.class))
        .isEqualTo(DiffRevisionsRequest.newBuilder().setFromVersion(41).build());
    assertThat(result.out()).isEqualTo("- pool api\n+ pool web x\n");
  }

  @Test
  void diffWithTwoVersionsComparesThemAndSaysWhenTheyAreTheSame() {
    controlPlane.service().respondWith(DiffRevisionsResponse.getDefaultInstance());

    Result result = controlPlane.cli().run("diff", "41", "42");

    assertThat(controlPlane.service().onlyRequest(DiffRevisionsRequest.class))
        .isEqualTo(DiffRevisionsRequest.newBuilder().setFromVersion(41).setToVersion(42).build());
    assertThat(result.out())
        .isEqualTo("no differences between config version 41 and config version 42\n");
  }

  @Test
  void aVersionThatIsNotANumberIsAUsageErrorAndNothingIsSent() {
    Result result = controlPlane.cli().run("diff", "v41");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'v41' is not a config version");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void rollbackSaysWhatItRestoredAndShowsTheDiff() {
    controlPlane
        .service()
        .respondWith(
            RollbackResponse.newBuilder()
                .setConfigVersion(13)
                .setDiff("~ pool web backend 10.0.0.5:80 state draining -> active")
                .build());

    Result result = controlPlane.cli().run("rollback", "11");

    assertThat(controlPlane.service().onlyRequest(RollbackRequest.class))
        .isEqualTo(RollbackRequest.newBuilder().setVersion(11).build());
    assertThat(result.outLines())
        .containsExactly(
            "rolled back to the configuration of config version 11 (config version 13)",
            "  ~ pool web backend 10.0.0.5:80 state draining -> active");
  }

  @Test
  void rollbackToWhatIsAlreadyCurrentSaysNothingChanged() {
    controlPlane.service().respondWith(RollbackResponse.newBuilder().setConfigVersion(12).build());

    Result result = controlPlane.cli().run("rollback", "12");

    assertThat(result.out())
        .isEqualTo(
            "the configuration of config version 12 is already current (config version 12); "
                + "nothing changed\n");
  }

  @Test
  void rollbackDryRunAndForceAreSent() {
    controlPlane
        .service()
        .respondWith(RollbackResponse.newBuilder().setDryRun(true).setDiff("- pool api").build());

    Result result = controlPlane.cli().run("rollback", "3", "--dry-run", "--force");

    assertThat(controlPlane.service().onlyRequest(RollbackRequest.class).getOptions())
        .isEqualTo(MutationOptions.newBuilder().setDryRun(true).setForce(true).build());
    assertThat(result.out())
        .isEqualTo("dry run: nothing was changed; it would change:\n  - pool api\n");
  }

  @Test
  void anUnknownRevisionIsTheControlPlanesNotFound() {
    controlPlane
        .service()
        .failWith(Status.NOT_FOUND.withDescription("revision 99 not found: the newest is 12"));

    Result result = controlPlane.cli().run("rollback", "99");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).containsExactly("error: revision 99 not found: the newest is 12");
  }
}
