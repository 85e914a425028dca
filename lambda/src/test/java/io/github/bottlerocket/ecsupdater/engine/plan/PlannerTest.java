package io.github.bottlerocket.ecsupdater.engine.plan;

import static io.github.bottlerocket.ecsupdater.testing.Scene.NEW;
import static io.github.bottlerocket.ecsupdater.testing.Scene.OLD;
import static io.github.bottlerocket.ecsupdater.testing.Scene.arn;
import static io.github.bottlerocket.ecsupdater.testing.Scene.daemon;
import static io.github.bottlerocket.ecsupdater.testing.Scene.done;
import static io.github.bottlerocket.ecsupdater.testing.Scene.error;
import static io.github.bottlerocket.ecsupdater.testing.Scene.hostStatus;
import static io.github.bottlerocket.ecsupdater.testing.Scene.pending;
import static io.github.bottlerocket.ecsupdater.testing.Scene.service;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.standaloneTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.status;
import static io.github.bottlerocket.ecsupdater.testing.Scene.stoppedTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.stoppingTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.Control;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision function, as tables: one observation in, decisions and report lines out. */
class PlannerTest {

  private static Planner.Plan plan(Scene scene) {
    return Planner.plan(scene.build());
  }

  /** Decisions as "Kind(instance id)" strings, for compact expectations. */
  private static List<String> decisions(Planner.Plan plan) {
    return plan.decisions().stream().map(PlannerTest::describe).toList();
  }

  private static String describe(Decision d) {
    String kind = d.getClass().getSimpleName();
    return switch (d) {
      case Decision.ForInstance fi ->
          kind
              + "("
              + fi.instance().arn().substring(fi.instance().arn().lastIndexOf('/') + 1)
              + ")";
      case Decision.CheckForUpdates c ->
          kind
              + c.instances().stream()
                  .map(v -> v.arn().substring(v.arn().lastIndexOf('/') + 1))
                  .toList();
      default -> kind;
    };
  }

  private static InstanceReport line(Planner.Plan plan, String id) {
    return plan.reports().stream()
        .filter(r -> r.containerInstanceArn().equals(arn(id)))
        .findFirst()
        .orElseThrow();
  }

  private static <T extends Decision> T only(Planner.Plan plan, Class<T> type) {
    List<T> found = plan.decisions().stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @Nested
  class IdleInstances {

    static Stream<Arguments> skipped() {
      return Stream.<Arguments>of(
          Arguments.of(
              "not Bottlerocket",
              (Consumer<Scene.Host>) Scene.Host::notBottlerocket,
              Reason.NOT_BOTTLEROCKET),
          Arguments.of("opted out", (Consumer<Scene.Host>) Scene.Host::optedOut, Reason.OPTED_OUT),
          Arguments.of(
              "drained by someone else",
              (Consumer<Scene.Host>) h -> h.status(InstanceStatus.DRAINING),
              Reason.NOT_ACTIVE),
          Arguments.of(
              "agent disconnected",
              (Consumer<Scene.Host>) Scene.Host::disconnected,
              Reason.AGENT_DISCONNECTED),
          Arguments.of(
              "backing off",
              (Consumer<Scene.Host>)
                  h -> h.failed(FailureReason.DRAIN_TIMEOUT, Duration.ofMinutes(5), 1, NEW),
              Reason.BACKING_OFF));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("skipped")
    void isSkippedWithItsReasonAndNotChecked(
        String name, Consumer<Scene.Host> setup, Reason reason) {
      Scene scene = new Scene();
      setup.accept(scene.host("a"));

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.SKIPPED);
      assertThat(line(plan, "a").reason()).contains(reason);
    }

    @Test
    void aFailedInstanceIsCheckedAgainOnceItsBackOffPassed() {
      Scene scene = new Scene();
      scene.host("a").failed(FailureReason.DRAIN_TIMEOUT, Duration.ofMinutes(31), 1, NEW);

      assertThat(decisions(plan(scene))).containsExactly("CheckForUpdates[a]");
    }

    @Test
    void aClusterNeverCheckedIsCheckedNow() {
      Scene scene = new Scene();
      scene.host("a");
      scene.host("b");
      scene.host("c").notBottlerocket();

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("CheckForUpdates[a, b]");
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.NOT_CHECKED);
    }

    @Test
    void noCheckBeforeTheCheckIntervalPassed() {
      Scene scene = new Scene().checkedAgo(Duration.ofMinutes(10));
      scene.host("a");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").detail()).contains("less than CHECK_INTERVAL");
      assertThat(plan.cluster().nextCheck()).contains(Scene.T0.plus(Duration.ofMinutes(50)));
    }

    @Test
    void checkNowChecksBeforeTheInterval() {
      Scene scene =
          new Scene()
              .checkedAgo(Duration.ofMinutes(10))
              .options(new PassOptions(false, false, true, OptionalInt.empty()));
      scene.host("a");

      assertThat(decisions(plan(scene))).containsExactly("CheckForUpdates[a]");
    }

    @Test
    void checksAgainAfterTheInterval() {
      Scene scene = new Scene().checkedAgo(Duration.ofMinutes(61));
      scene.host("a");

      assertThat(decisions(plan(scene))).containsExactly("CheckForUpdates[a]");
    }

    static Stream<Arguments> closedGates() {
      return Stream.of(
          Arguments.of(
              "PAUSED setting", (Consumer<Scene>) s -> s.set("PAUSED", "true"), Reason.PAUSED),
          Arguments.of(
              "cluster pause tag",
              (Consumer<Scene>) s -> s.clusterTag(StateAttributes.PAUSED_TAG, "true"),
              Reason.PAUSED),
          Arguments.of(
              "window closed",
              (Consumer<Scene>) s -> s.set("MAINTENANCE_WINDOW", "Sat 02:00-03:00"),
              Reason.WINDOW_CLOSED),
          Arguments.of(
              "circuit breaker",
              (Consumer<Scene>)
                  s -> s.host("z").failed(FailureReason.ROLLED_BACK, Duration.ofDays(1), 1, NEW),
              Reason.CIRCUIT_BREAKER_OPEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closedGates")
    void nothingIsCheckedWhileStartsAreBlocked(String name, Consumer<Scene> gate, Reason reason) {
      Scene scene = new Scene();
      scene.host("a");
      gate.accept(scene);

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(reason);
    }

    @Test
    void theWindowCanBeIgnoredForOnePass() {
      Scene scene =
          new Scene()
              .set("MAINTENANCE_WINDOW", "Sat 02:00-03:00")
              .options(new PassOptions(false, true, false, OptionalInt.empty()));
      scene.host("a");

      assertThat(decisions(plan(scene))).containsExactly("CheckForUpdates[a]");
    }

    @Test
    void aFailureWithinTheBudgetDoesNotOpenTheBreaker() {
      Scene scene = new Scene().set("FAILURE_BUDGET", "1");
      scene.host("a");
      scene.host("z").failed(FailureReason.ROLLED_BACK, Duration.ofDays(1), 1, NEW);

      Planner.Plan plan = plan(scene);

      assertThat(plan.cluster().circuitBreakerOpen()).isFalse();
      assertThat(decisions(plan)).containsExactly("CheckForUpdates[a, z]");
    }

    @Test
    void whileTheCheckRunsInstancesWaitForIt() {
      Scene scene = new Scene().roundRunning("a");
      scene.host("a");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").detail()).isEqualTo("update check sent");
    }
  }

  @Nested
  class CheckResults {

    @Test
    void anIdleHostIsUpToDate() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-after-reboot.json")));
      scene.host("a");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.UP_TO_DATE);
      assertThat(line(plan, "a").runningVersion()).contains(NEW);
      assertThat(line(plan, "a").targetVersion()).isEmpty();
    }

    static Stream<Arguments> unusableReplies() {
      return Stream.of(
          Arguments.of("no reply in time", pending(), "no reply within CHECK_TIMEOUT"),
          Arguments.of("garbage", error(HostError.Kind.UNPARSEABLE), "UNPARSEABLE"),
          Arguments.of("locked", error(HostError.Kind.LOCKED), "LOCKED"),
          Arguments.of("undeliverable", error(HostError.Kind.NOT_RUN), "NOT_RUN"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableReplies")
    void anUnusableReplyIsRecordedAsAFailedCheckAndNothingElseIsTouched(
        String name, HostReply reply, String detail) {
      Scene scene = new Scene().checked(Map.of("a", reply));
      scene.host("a");

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("RecordCheckFailure(a)");
      assertThat(line(plan, "a").reason()).contains(FailureReason.CHECK_FAILED);
      assertThat(line(plan, "a").detail()).contains(detail);
    }

    @Test
    void anAvailableUpdateNeedsTheTasksFirst() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-available.json")));
      scene.host("a");

      assertThat(decisions(plan(scene))).containsExactly("InspectTasks(a)");
    }

    @Test
    void anAvailableUpdateOnAServiceOnlyHostStartsTheDownload() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-available.json")));
      scene.host("a").tasks(serviceTask("t1", "web", 256, 512));

      Planner.Plan plan = plan(scene);

      Decision.StartStaging d = only(plan, Decision.StartStaging.class);
      assertThat(d.targetVersion()).contains(NEW);
      assertThat(d.fromVersion()).contains(OLD);
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.IN_PROGRESS);
    }

    @Test
    void aHostWithAStandaloneTaskIsSkippedWithoutChange() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-available.json")));
      scene.host("a").tasks(serviceTask("t1", "web", 256, 512), standaloneTask("job"));

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(Reason.STANDALONE_TASKS);
      assertThat(line(plan, "a").detail()).contains("family:batch");
    }

    @Test
    void anAlreadyStagedUpdateSkipsTheDownload() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-staged.json")));
      scene.host("a").tasks();

      assertThat(only(plan(scene), Decision.MarkStaged.class).target()).isEqualTo(NEW);
    }

    @Test
    void updatesBeyondTheDownloadSlotsAreQueued() {
      Scene scene =
          new Scene()
              .set("MAX_CONCURRENT", "2")
              .checked(
                  Map.of(
                      "a", status("synthetic-ecs-available.json"),
                      "b", status("synthetic-ecs-available.json"),
                      "c", status("synthetic-ecs-available.json")));
      scene.host("a").tasks();
      scene.host("b").tasks();
      scene.host("c").tasks();

      assertThat(decisions(plan(scene)))
          .containsExactly("StartStaging(a)", "StartStaging(b)", "Queue(c)");
    }

    @Test
    void aHostWhoseUpdateFailedBeforeIsNotRetriedOnTheSameVersion() {
      Scene scene =
          new Scene()
              .set("FAILURE_BUDGET", "5")
              .checked(Map.of("a", status("synthetic-ecs-available.json")));
      scene.host("a").failed(FailureReason.ROLLED_BACK, Duration.ofDays(3), 1, NEW);

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.FAILED);
      assertThat(line(plan, "a").reason()).contains(Reason.NEEDS_OPERATOR);
    }

    @Test
    void aHostWhoseUpdateFailedBeforeIsTriedOnANewerVersion() {
      Scene scene =
          new Scene()
              .set("FAILURE_BUDGET", "5")
              .checked(Map.of("a", status("synthetic-ecs-available.json")));
      scene.host("a").failed(FailureReason.ROLLED_BACK, Duration.ofDays(3), 1, "1.19.9").tasks();

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void anInstanceWithoutRoomForTheUpdatersRecordsIsSkippedBeforeAnythingStarts() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-available.json")));
      scene.host("a").operatorAttributes(8).tasks();

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(Reason.ATTRIBUTE_LIMIT);
      assertThat(line(plan, "a").detail()).startsWith("9 custom attributes of ECS's 10");
    }

    @Test
    void twoFreeAttributesAreEnough() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-available.json")));
      scene.host("a").operatorAttributes(7).tasks();

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void candidatesWithFewerFailuresGoFirst() {
      Scene scene =
          new Scene()
              .checked(
                  Map.of(
                      "a", status("synthetic-ecs-available.json"),
                      "b", status("synthetic-ecs-available.json")));
      scene.host("a").failed(FailureReason.DRAIN_TIMEOUT, Duration.ofDays(3), 2, NEW).tasks();
      scene.host("b").tasks();

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(b)", "Queue(a)");
    }
  }

  @Nested
  class Queued {

    @Test
    void aQueuedUpdateStartsWhenADownloadSlotIsFree() {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.QUEUED).tasks();

      Decision.StartStaging d = only(plan(scene), Decision.StartStaging.class);
      assertThat(d.targetVersion()).contains(NEW);
    }

    @Test
    void queuedUpdatesTakePrecedenceOverANewCheck() {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.STAGING);
      scene.host("b").phase(Phase.QUEUED);
      scene.host("c");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "b").reason()).contains(Reason.NO_DOWNLOAD_SLOT);
      assertThat(line(plan, "c").reason()).contains(Reason.NO_DOWNLOAD_SLOT);
    }

    @Test
    void aQueuedInstanceThatWasOptedOutIsReleased() {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.QUEUED).optedOut();

      assertThat(decisions(plan(scene))).containsExactly("Release(a)");
    }

    @Test
    void aQueuedInstanceWithAStandaloneTaskIsReleased() {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.QUEUED).tasks(standaloneTask("job"));

      assertThat(only(plan(scene), Decision.Release.class).reason())
          .isEqualTo(Reason.STANDALONE_TASKS);
    }
  }

  @Nested
  class Staging {
    private final String requestedAt = "2026-11-26T09:59:55.000000001Z";

    private Scene staging(HostReply prepareReply) {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.STAGING).replied(prepareReply);
      return scene;
    }

    private HostReply checkedAtRequest() {
      return status(
          hostStatus(UpdateState.AVAILABLE, OLD, null, "refresh", "Success", requestedAt));
    }

    @Test
    void waitsForThePrepareCommand() {
      assertThat(plan(staging(pending())).decisions()).isEmpty();
    }

    @Test
    void asksForTheStatusOnceThePrepareRequestWasAccepted() {
      assertThat(decisions(plan(staging(checkedAtRequest())))).containsExactly("Probe(a)");
    }

    @Test
    void aLockedStatusMeansTheDownloadRunsSoItAsksAgainAfterThePollInterval() {
      Scene scene = staging(checkedAtRequest());
      scene.host("a").probed(Duration.ofSeconds(6), error(HostError.Kind.LOCKED));

      assertThat(decisions(plan(scene))).containsExactly("Probe(a)");
    }

    @Test
    void aDownloadIsNotAskedAboutMoreOftenThanThePollInterval() {
      Scene scene = staging(checkedAtRequest());
      scene.host("a").probed(Duration.ofSeconds(1), error(HostError.Kind.LOCKED));

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.IN_PROGRESS);
    }

    @Test
    void aSuccessfulPrepareNewerThanTheRequestMarksTheUpdateStaged() {
      Scene scene = staging(checkedAtRequest());
      scene
          .host("a")
          .probed(
              Duration.ofSeconds(1),
              status(
                  hostStatus(
                      UpdateState.STAGED, OLD, NEW, "prepare", "Success", "2026-11-26T10:00:00Z")));

      Decision.MarkStaged d = only(plan(scene), Decision.MarkStaged.class);
      assertThat(d.target()).isEqualTo(NEW);
    }

    @Test
    void anOlderStagedStateDoesNotCountAsThisDownload() {
      Scene scene = staging(checkedAtRequest());
      scene
          .host("a")
          .probed(
              Duration.ofSeconds(6),
              status(
                  hostStatus(
                      UpdateState.STAGED, OLD, "1.19.9", "refresh", "Success", requestedAt)));

      assertThat(decisions(plan(scene))).containsExactly("Probe(a)");
    }

    @Test
    void aProbeFromBeforeThePhaseIsIgnored() {
      Scene scene = staging(checkedAtRequest());
      scene
          .host("a")
          .probed(
              Duration.ofMinutes(5),
              status(
                  hostStatus(
                      UpdateState.STAGED, OLD, NEW, "prepare", "Success", "2026-11-26T10:00:00Z")));

      assertThat(decisions(plan(scene))).containsExactly("Probe(a)");
    }

    @Test
    void aFailedPrepareOnTheHostFailsTheStep() {
      Scene scene = staging(checkedAtRequest());
      scene
          .host("a")
          .probed(
              Duration.ofSeconds(1),
              status(
                  hostStatus(
                      UpdateState.AVAILABLE,
                      OLD,
                      null,
                      "prepare",
                      "Failed",
                      "2026-11-26T10:00:00Z")));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.STAGE_FAILED);
      assertThat(f.reactivate()).isFalse();
    }

    static Stream<Arguments> prepareErrors() {
      return Stream.of(
          Arguments.of(HostError.Kind.WRONG_STATE, "Release(a)"),
          Arguments.of(HostError.Kind.NOTHING_TO_APPLY, "Release(a)"),
          Arguments.of(HostError.Kind.LOCKED, "Resend(a)"),
          Arguments.of(HostError.Kind.FAILED, "Fail(a)"),
          Arguments.of(HostError.Kind.UNPARSEABLE, "Fail(a)"),
          Arguments.of(HostError.Kind.NOT_RUN, "Fail(a)"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("prepareErrors")
    void aFailedPrepareRequestIsHandledByItsKind(HostError.Kind kind, String decision) {
      assertThat(decisions(plan(staging(error(kind))))).containsExactly(decision);
    }

    @Test
    void aDownloadThatAStatusReadAfterTheLimitShowsUnfinishedFails() {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.STAGING, Duration.ofMinutes(21), "cmd-a")
          .replied(checkedAtRequest())
          .probed(Duration.ofSeconds(5), error(HostError.Kind.LOCKED));

      assertThat(only(plan(scene), Decision.Fail.class).reason())
          .isEqualTo(FailureReason.STAGE_TIMEOUT);
    }
  }

  @Nested
  class Staged {

    private Scene ready() {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene.host("a").phase(Phase.STAGED).tasks(serviceTask("t1", "web", 512, 1024));
      scene.host("b").free(1024, 2048);
      return scene;
    }

    @Test
    void confirmsTheStagedImageBeforeTheDrain() {
      assertThat(decisions(plan(ready()))).containsExactly("Probe(a)");
    }

    @Test
    void drainsOnceTheHostConfirmsTheStagedImage() {
      Scene scene = ready();
      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

      assertThat(decisions(plan(scene))).containsExactly("StartDrain(a)");
    }

    @Test
    void aReadyUpdateIsAsGoodAsStaged() {
      Scene scene = ready();
      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));

      assertThat(decisions(plan(scene))).containsExactly("StartDrain(a)");
    }

    @Test
    void readsTasksAndServicesBeforeDeciding() {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.STAGED);

      assertThat(decisions(plan(scene)))
          .containsExactlyInAnyOrder("InspectServices", "InspectTasks(a)");
    }

    static Stream<Arguments> blocked() {
      return Stream.of(
          Arguments.of(
              "a service below its desired count",
              (Consumer<Scene>) s -> s.services(service("web", 3, 2)),
              Reason.SERVICE_BELOW_DESIRED),
          Arguments.of(
              "no room elsewhere",
              (Consumer<Scene>) s -> s.host("b").free(256, 256),
              Reason.INSUFFICIENT_CAPACITY),
          Arguments.of(
              "another instance out of service",
              (Consumer<Scene>) s -> s.host("c").status(InstanceStatus.DRAINING),
              Reason.NO_DRAIN_SLOT),
          Arguments.of("paused", (Consumer<Scene>) s -> s.set("PAUSED", "true"), Reason.PAUSED),
          Arguments.of(
              "window closed",
              (Consumer<Scene>) s -> s.set("MAINTENANCE_WINDOW", "Sat 02:00-03:00"),
              Reason.WINDOW_CLOSED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocked")
    void waitsWithItsReason(String name, Consumer<Scene> block, Reason reason) {
      Scene scene = ready();
      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      block.accept(scene);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).doesNotContain("StartDrain(a)");
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.WAITING);
      assertThat(line(plan, "a").reason()).contains(reason);
    }

    @Test
    void daemonTasksNeedNoRoomElsewhere() {
      Scene scene = new Scene().services(daemon("agent"));
      scene
          .host("a")
          .phase(Phase.STAGED)
          .tasks(serviceTask("d1", "agent", 1024, 2048))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      scene.host("b").free(0, 0);

      assertThat(decisions(plan(scene))).containsExactly("StartDrain(a)");
    }

    @Test
    void aStandaloneTaskThatAppearedSendsTheInstanceBackToIdleWithABackOff() {
      Scene scene = ready();
      scene.host("a").tasks(standaloneTask("job"));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.STANDALONE_TASKS_APPEARED);
      assertThat(f.reactivate()).isFalse();
    }

    @Test
    void aLostStagedImageFailsTheUpdateBeforeAnyDrain() {
      Scene scene = ready();
      scene.host("a").probed(Duration.ofSeconds(1), error(HostError.Kind.UNINITIALIZED));

      assertThat(only(plan(scene), Decision.Fail.class).reason())
          .isEqualTo(FailureReason.STAGE_LOST);
    }

    @Test
    void aDifferentStagedVersionFailsTheUpdateBeforeAnyDrain() {
      Scene scene = ready();
      scene
          .host("a")
          .probed(
              Duration.ofSeconds(1),
              status(hostStatus(UpdateState.STAGED, OLD, "1.20.5", "prepare", "Success", "x")));

      assertThat(only(plan(scene), Decision.Fail.class).detail()).contains("expected " + NEW);
    }

    @Test
    void onlyOneOfTwoStagedInstancesDrainsAtMaxConcurrentOne() {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene
          .host("a")
          .phase(Phase.STAGED, Duration.ofMinutes(5), null)
          .tasks()
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      scene
          .host("b")
          .phase(Phase.STAGED, Duration.ofMinutes(1), null)
          .tasks()
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("StartDrain(a)");
      assertThat(line(plan, "b").reason()).contains(Reason.NO_DRAIN_SLOT);
    }

    @Test
    void twoDrainAtMaxConcurrentTwo() {
      Scene scene = new Scene().set("MAX_CONCURRENT", "2").services(service("web", 2, 2));
      scene
          .host("a")
          .phase(Phase.STAGED, Duration.ofMinutes(5), null)
          .tasks()
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      scene
          .host("b")
          .phase(Phase.STAGED, Duration.ofMinutes(1), null)
          .tasks()
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

      assertThat(decisions(plan(scene))).containsExactly("StartDrain(a)", "StartDrain(b)");
    }

    @Test
    void twoDrainsGrantedInOnePlanDoNotCountOnEachOthersRoom() {
      // Each has room only for the other's task: draining both at once would strand both.
      Scene scene = new Scene().set("MAX_CONCURRENT", "2").services(service("web", 2, 2));
      scene
          .host("a")
          .phase(Phase.STAGED, Duration.ofMinutes(5), null)
          .free(1024, 2048)
          .tasks(serviceTask("t1", "web", 1024, 2048))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      scene
          .host("b")
          .phase(Phase.STAGED, Duration.ofMinutes(1), null)
          .free(1024, 2048)
          .tasks(serviceTask("t2", "web", 1024, 2048))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("StartDrain(a)");
      assertThat(line(plan, "b").reason()).contains(Reason.INSUFFICIENT_CAPACITY);
    }

    @Test
    void twoDrainsDoNotCountOnTheSameRoom() {
      Scene scene = new Scene().set("MAX_CONCURRENT", "2").services(service("web", 4, 4));
      scene
          .host("a")
          .phase(Phase.DRAINING)
          .status(InstanceStatus.DRAINING)
          .tasks(serviceTask("t1", "web", 1024, 2048));
      scene
          .host("b")
          .phase(Phase.STAGED)
          .tasks(serviceTask("t2", "web", 1024, 2048))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      scene.host("c").free(1024, 2048);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).doesNotContain("StartDrain(b)");
      assertThat(line(plan, "b").reason()).contains(Reason.INSUFFICIENT_CAPACITY);
    }
  }

  @Nested
  class Draining {

    private Scene draining(Duration ago) {
      Scene scene = new Scene().services(service("web", 2, 1), daemon("agent"));
      scene.host("a").phase(Phase.DRAINING, ago, null).status(InstanceStatus.DRAINING);
      return scene;
    }

    @Test
    void waitsWhileServiceTasksRun() {
      Scene scene = draining(Duration.ofMinutes(1));
      scene
          .host("a")
          .tasks(serviceTask("t1", "web", 256, 512), serviceTask("d1", "agent", 128, 128));

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").detail()).isEqualTo("1 service task(s) still running");
    }

    @Test
    void aTaskThatIsStoppingStillCounts() {
      Scene scene = draining(Duration.ofMinutes(1));
      scene.host("a").tasks(stoppingTask("t1", "web"));

      assertThat(plan(scene).decisions()).isEmpty();
    }

    @Test
    void activatesOnceOnlyDaemonAndStoppedTasksRemain() {
      Scene scene = draining(Duration.ofMinutes(1));
      scene.host("a").tasks(stoppedTask("t1", "web"), serviceTask("d1", "agent", 128, 128));

      assertThat(decisions(plan(scene))).containsExactly("Activate(a)");
    }

    @Test
    void aDrainThatTakesTooLongIsUndone() {
      Scene scene = draining(Duration.ofMinutes(31));
      scene.host("a").tasks(serviceTask("t1", "web", 256, 512));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.DRAIN_TIMEOUT);
      assertThat(f.reactivate()).isTrue();
      assertThat(f.cancelActivation()).isFalse();
      assertThat(f.keepRecord()).isFalse();
    }

    @Test
    void aStandaloneTaskOnADrainingInstanceEndsTheDrainAtOnce() {
      Scene scene = draining(Duration.ofMinutes(1));
      scene.host("a").tasks(standaloneTask("job"));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.STANDALONE_TASKS_APPEARED);
      assertThat(f.reactivate()).isTrue();
    }

    @Test
    void aRecordedDrainThatEcsDidNotApplyIsAppliedOnlyOnceTheHostShowsTheUpdateStaged() {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene.host("a").phase(Phase.DRAINING).tasks();

      assertThat(decisions(plan(scene))).containsExactly("Probe(a)");

      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      assertThat(decisions(plan(scene))).containsExactly("StartDrain(a)");
    }

    @Test
    void aRecordedDrainThatEcsDidNotApplyIsDroppedWhenNothingIsStaged() {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene
          .host("a")
          .phase(Phase.DRAINING)
          .tasks()
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-after-reboot.json"));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.STAGE_LOST);
      assertThat(f.reactivate()).isFalse();
    }

    @Test
    void aRecordedDrainThatEcsDidNotApplyGoesBackToStagedWhenNoLongerSafe() {
      Scene scene = new Scene().services(service("web", 2, 1));
      scene.host("a").phase(Phase.DRAINING).tasks();

      assertThat(only(plan(scene), Decision.RevertToStaged.class).reason())
          .isEqualTo(Reason.SERVICE_BELOW_DESIRED);
    }
  }

  @Nested
  class Activating {

    private Scene activating(HostReply reply) {
      Scene scene = new Scene().services(daemon("agent"));
      scene
          .host("a")
          .phase(Phase.ACTIVATING)
          .status(InstanceStatus.DRAINING)
          .tasks(serviceTask("d1", "agent", 128, 128))
          .replied(reply);
      return scene;
    }

    @Test
    void asksForTheStatusAfterTheActivation() {
      assertThat(decisions(plan(activating(done())))).containsExactly("Probe(a)");
    }

    @Test
    void rebootsWhenTheTargetIsReady() {
      Scene scene = activating(done());
      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));

      assertThat(decisions(plan(scene))).containsExactly("Reboot(a)");
    }

    @Test
    void neverRebootsWhileOtherTasksRun() {
      Scene scene = activating(done());
      scene
          .host("a")
          .tasks(serviceTask("t1", "web", 256, 512))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));

      assertThat(plan(scene).decisions()).isEmpty();
    }

    @Test
    void aReadyHostWhoseActivateAnswered409IsRebooted() {
      Scene scene = activating(error(HostError.Kind.WRONG_STATE));
      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));

      assertThat(decisions(plan(scene))).containsExactly("Reboot(a)");
    }

    @Test
    void aFailedActivationIsUndoneAndTheInstanceSetActive() {
      Decision.Fail f = only(plan(activating(error(HostError.Kind.FAILED))), Decision.Fail.class);

      assertThat(f.reason()).isEqualTo(FailureReason.ACTIVATE_FAILED);
      assertThat(f.cancelActivation()).isTrue();
      assertThat(f.reactivate()).isTrue();
    }

    @Test
    void aHostFoundOnTheTargetRebootedUnrecordedAndIsVerified() {
      Scene scene = activating(done());
      scene
          .host("a")
          .probed(
              Duration.ofSeconds(1),
              status(
                  hostStatus(
                      UpdateState.IDLE, NEW, null, "refresh", "Success", "2026-11-26T10:00:05Z")));

      Decision.Verify v = only(plan(scene), Decision.Verify.class);
      assertThat(v.rebootSeen()).isTrue();
    }

    @Test
    void aHostWhoseStatusWasLostIsVerifiedWithoutTakingItForAReboot() {
      Scene scene = activating(done());
      scene.host("a").probed(Duration.ofSeconds(1), error(HostError.Kind.UNINITIALIZED));

      Decision.Verify v = only(plan(scene), Decision.Verify.class);
      assertThat(v.rebootSeen()).isFalse();
    }

    @Test
    void aLockedActivationIsSentAgain() {
      Scene scene = activating(error(HostError.Kind.LOCKED));
      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

      assertThat(decisions(plan(scene))).containsExactly("Resend(a)");
    }

    @Test
    void anActivationThatAStatusReadAfterTheLimitShowsNotReadyFails() {
      Scene scene = new Scene().services(daemon("agent"));
      scene
          .host("a")
          .phase(Phase.ACTIVATING, Duration.ofMinutes(3), "cmd-a")
          .status(InstanceStatus.DRAINING)
          .tasks()
          .replied(done())
          .probed(Duration.ofSeconds(5), status("synthetic-ecs-staged.json"));

      assertThat(only(plan(scene), Decision.Fail.class).reason())
          .isEqualTo(FailureReason.ACTIVATE_FAILED);
    }
  }

  @Nested
  class Rebooting {

    private Scene rebooting(Duration ago) {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.REBOOTING, ago, null).status(InstanceStatus.DRAINING);
      return scene;
    }

    @Test
    void waitsWhileTheAgentIsAway() {
      Scene scene = rebooting(Duration.ofMinutes(2));
      scene.host("a").disconnected();

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").detail()).contains("agent disconnected");
    }

    @Test
    void doesNotTakeAConnectedAgentAsBackRightAfterTheRebootWasSent() {
      assertThat(plan(rebooting(Duration.ofSeconds(5))).decisions()).isEmpty();
    }

    @Test
    void verifiesOnceTheAgentWasSeenGoneAndIsBack() {
      Scene scene = rebooting(Duration.ofSeconds(5));
      scene.host("a").seenDisconnected();

      assertThat(decisions(plan(scene))).containsExactly("Verify(a)");
    }

    @Test
    void aConnectedAgentAfterTheGraceIsAskedWhetherTheHostRebooted() {
      assertThat(decisions(plan(rebooting(Duration.ofSeconds(31))))).containsExactly("Probe(a)");
    }

    static Stream<Arguments> rebootEvidence() {
      return Stream.of(
          Arguments.of(
              "the status was lost with the old boot (404)",
              error(HostError.Kind.UNINITIALIZED),
              "Verify(a)",
              true),
          Arguments.of(
              "the host runs the target",
              status(
                  hostStatus(
                      UpdateState.IDLE, NEW, null, "refresh", "Success", "2026-11-26T10:00:05Z")),
              "Verify(a)",
              true),
          Arguments.of(
              "a status begun after the reboot, no longer Ready",
              status(
                  hostStatus(
                      UpdateState.AVAILABLE,
                      OLD,
                      null,
                      "refresh",
                      "Success",
                      "2026-11-26T10:00:05Z")),
              "Verify(a)",
              true),
          Arguments.of(
              "still Ready after REBOOT_GRACE: the reboot may never have reached the host",
              status(
                  hostStatus(
                      UpdateState.READY, OLD, NEW, "activate", "Success", "2026-11-26T09:58:00Z")),
              "Resend(a)",
              false),
          Arguments.of(
              "a status from before the reboot was sent, no longer Ready",
              status(
                  hostStatus(
                      UpdateState.STAGED, OLD, NEW, "refresh", "Success", "2026-11-26T09:50:00Z")),
              "Fail(a)",
              false));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("rebootEvidence")
    void aRebootIsTakenAsDoneOnlyOnEvidence(
        String name, HostReply probe, String decision, boolean seen) {
      Scene scene = rebooting(Duration.ofMinutes(2));
      scene.host("a").probed(Duration.ofSeconds(1), probe);

      Planner.Plan plan = plan(scene);

      assertThat(String.join("", decisions(plan))).isEqualTo(decision);
      plan.decisions().stream()
          .filter(d -> d instanceof Decision.Verify)
          .forEach(d -> assertThat(((Decision.Verify) d).rebootSeen()).isEqualTo(seen));
      plan.decisions().stream()
          .filter(d -> d instanceof Decision.Fail)
          .forEach(
              d ->
                  assertThat(((Decision.Fail) d).reason())
                      .isEqualTo(FailureReason.REBOOT_NOT_PERFORMED));
    }

    @Test
    void aRebootIsSentAgainOnlyOnce() {
      Scene scene = rebooting(Duration.ofMinutes(2));
      scene
          .host("a")
          .marked(PhaseRecord.Mark.REBOOT_RESENT)
          .probed(
              Duration.ofSeconds(1),
              status(
                  hostStatus(
                      UpdateState.READY, OLD, NEW, "activate", "Success", "2026-11-26T09:58:00Z")));

      assertThat(decisions(plan(scene))).isEmpty();
    }

    @Test
    void aHostStillReadyAtALookAfterTheLimitDidNotReboot() {
      Scene scene = rebooting(Duration.ofMinutes(21));
      scene
          .host("a")
          .marked(PhaseRecord.Mark.REBOOT_RESENT)
          .probed(
              Duration.ofSeconds(1),
              status(
                  hostStatus(
                      UpdateState.READY, OLD, NEW, "activate", "Success", "2026-11-26T09:58:00Z")));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.REBOOT_NOT_PERFORMED);
    }

    @Test
    void aHostThatDoesNotComeBackStaysDrainingAndCountsAsFailure() {
      Scene scene = rebooting(Duration.ofMinutes(21));
      scene.host("a").disconnected();

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.REBOOT_TIMEOUT);
      assertThat(f.reactivate()).isFalse();
      assertThat(f.keepRecord()).isTrue();
      assertThat(f.reason().countsAgainstBudget()).isTrue();
    }

    @Test
    void aHostAlreadyMarkedAsNotReturnedIsNotMarkedAgain() {
      Scene scene = rebooting(Duration.ofMinutes(40));
      scene
          .host("a")
          .disconnected()
          .failed(FailureReason.REBOOT_TIMEOUT, Duration.ofMinutes(19), 1, NEW);

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aHostThatReturnsLateIsStillVerified() {
      Scene scene = rebooting(Duration.ofMinutes(40));
      scene.host("a").failed(FailureReason.REBOOT_TIMEOUT, Duration.ofMinutes(19), 1, NEW);

      assertThat(decisions(plan(scene))).containsExactly("Verify(a)");
    }
  }

  @Nested
  class Verifying {

    private Scene verifying(HostReply reply) {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.VERIFYING)
          .rebootSeen()
          .status(InstanceStatus.DRAINING)
          .replied(reply);
      return scene;
    }

    @Test
    void theTargetVersionCompletesTheUpdate() {
      Planner.Plan plan = plan(verifying(status("synthetic-ecs-after-reboot.json")));

      assertThat(only(plan, Decision.Complete.class).runningVersion()).isEqualTo(NEW);
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.UPDATED);
    }

    @Test
    void anUpdateStillReadyMeansTheRebootMayBeOnItsWaySoItChecksAgain() {
      assertThat(
              decisions(
                  plan(
                      verifying(
                          status(
                              hostStatus(
                                  UpdateState.READY, OLD, NEW, "refresh", "Success", "x"))))))
          .containsExactly("Resend(a)");
    }

    @Test
    void anUpdateStillReadyAtTheVerifyTimeoutMeansTheRebootDidNotHappen() {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.VERIFYING, Duration.ofMinutes(11), "cmd-a")
          .rebootSeen()
          .status(InstanceStatus.DRAINING)
          .replied(status(hostStatus(UpdateState.READY, OLD, NEW, "refresh", "Success", "x")))
          .probed(
              Duration.ofSeconds(5),
              status(hostStatus(UpdateState.READY, OLD, NEW, "refresh", "Success", "x")));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.REBOOT_NOT_PERFORMED);
      assertThat(f.cancelActivation()).isTrue();
      assertThat(f.reactivate()).isTrue();
    }

    static Stream<Arguments> verdicts() {
      return Stream.of(
          Arguments.of(
              "old version, update gone",
              hostStatus(UpdateState.AVAILABLE, OLD, null, "refresh", "Success", "x"),
              FailureReason.ROLLED_BACK,
              false),
          Arguments.of(
              "an unexpected version",
              hostStatus(UpdateState.IDLE, "1.21.0", null, "refresh", "Success", "x"),
              FailureReason.VERIFY_FAILED,
              false));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("verdicts")
    void anyOtherVersionFailsAndSetsTheInstanceActive(
        String name,
        io.github.bottlerocket.ecsupdater.host.UpdateStatus s,
        FailureReason reason,
        boolean cancel) {
      Decision.Fail f = only(plan(verifying(status(s))), Decision.Fail.class);

      assertThat(f.reason()).isEqualTo(reason);
      assertThat(f.reactivate()).isTrue();
      assertThat(f.cancelActivation()).isEqualTo(cancel);
    }

    @Test
    void aFailedCheckFallsBackToTheStatus() {
      assertThat(decisions(plan(verifying(error(HostError.Kind.FAILED)))))
          .containsExactly("Probe(a)");
    }

    @Test
    void theStatusDecidesWhenTheCheckFailed() {
      Scene scene = verifying(error(HostError.Kind.FAILED));
      scene
          .host("a")
          .probed(
              Duration.ofSeconds(1),
              status(hostStatus(UpdateState.IDLE, NEW, null, "refresh", "Failed", "x")));

      assertThat(decisions(plan(scene))).containsExactly("Complete(a)");
    }

    @Test
    void checksAgainWhenNeitherAnswered() {
      Scene scene = verifying(error(HostError.Kind.NOT_RUN));
      scene.host("a").probed(Duration.ofSeconds(1), error(HostError.Kind.UNINITIALIZED));

      assertThat(decisions(plan(scene))).containsExactly("Resend(a)");
    }

    @Test
    void givesUpWhenAStatusReadAfterTheVerifyTimeoutGivesNoAnswer() {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.VERIFYING, Duration.ofMinutes(11), "cmd-a")
          .rebootSeen()
          .status(InstanceStatus.DRAINING)
          .replied(pending())
          .probed(Duration.ofSeconds(5), error(HostError.Kind.NOT_RUN));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.VERIFY_FAILED);
      assertThat(f.reactivate()).isTrue();
    }

    @Test
    void aHostBackOnItsOldVersionWithoutASignOfARebootIsNoRollback() {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.VERIFYING)
          .status(InstanceStatus.DRAINING)
          .replied(status(hostStatus(UpdateState.AVAILABLE, OLD, null, "refresh", "Success", "x")));

      Decision.Fail f = only(plan(scene), Decision.Fail.class);
      assertThat(f.reason()).isEqualTo(FailureReason.REBOOT_NOT_PERFORMED);
      assertThat(f.reason().countsAgainstBudget()).isFalse();
      assertThat(f.reactivate()).isTrue();
    }
  }

  @Nested
  class Records {

    @Test
    void anUnreadableRecordIsReportedAndNeverTouched() {
      Scene scene = new Scene();
      scene.host("a").rawState("DRAINING/garbage");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(Reason.STATE_UNREADABLE);
      assertThat(line(plan, "a").detail()).contains("expected 6 parts");
    }

    @Test
    void aPhaseThatStartsInTheFutureIsUnreadableAndHoldsNoSlot() {
      Scene scene = new Scene();
      scene.host("a").phase(Phase.STAGING, Duration.ofHours(-2), "cmd-a");
      scene.host("b");

      Planner.Plan plan = plan(scene);

      assertThat(line(plan, "a").reason()).contains(Reason.STATE_UNREADABLE);
      assertThat(line(plan, "a").detail()).contains("lies in the future");
      assertThat(decisions(plan)).containsExactly("CheckForUpdates[b]");
    }

    @Test
    void aPhaseWrittenInAnotherCaseIsNotRead() {
      Scene scene = new Scene();
      scene.host("a").rawState("draining/1.20.0/1.20.1/1/-/-");

      assertThat(line(plan(scene), "a").detail()).contains("unknown phase 'draining'");
    }

    @Test
    void aRecordOfAFormatThisUpdaterDoesNotKnowIsLeftAlone() {
      Scene scene = new Scene();
      scene.host("a").rawState("3/DRAINING/1.20.0/1.20.1/1/1/-/-/more");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(Reason.STATE_UNREADABLE);
      assertThat(line(plan, "a").detail()).contains("record format 3");
    }

    @Test
    void aFailureOnAnInstanceThatIsNotBottlerocketOpensNoBreaker() {
      Scene scene = new Scene();
      scene
          .host("a")
          .notBottlerocket()
          .failed(FailureReason.ROLLED_BACK, Duration.ofHours(1), 1, NEW);
      scene.host("b");

      Planner.Plan plan = plan(scene);

      assertThat(plan.cluster().circuitBreakerOpen()).isFalse();
      assertThat(line(plan, "a").detail()).contains("is ignored");
      assertThat(decisions(plan)).containsExactly("CheckForUpdates[b]");
    }

    @Test
    void theOpenBreakerNamesTheInstancesThatHoldIt() {
      Scene scene = new Scene();
      scene.host("a").failed(FailureReason.ROLLED_BACK, Duration.ofHours(1), 1, NEW);
      scene.host("b");

      Planner.Plan plan = plan(scene);

      assertThat(plan.cluster().budgetHolders()).containsExactly("i-a ROLLED_BACK");
      assertThat(line(plan, "b").reason()).contains(Reason.CIRCUIT_BREAKER_OPEN);
      assertThat(line(plan, "b").detail()).contains("(i-a ROLLED_BACK)");
    }

    @Test
    void everyInstanceGetsExactlyOneReportLine() {
      Scene scene = new Scene();
      scene.host("a");
      scene.host("b").notBottlerocket();
      scene.host("c").phase(Phase.STAGED);
      scene.host("d").phase(Phase.QUEUED);

      assertThat(plan(scene).reports())
          .extracting(InstanceReport::containerInstanceArn)
          .containsExactly(arn("a"), arn("b"), arn("c"), arn("d"));
    }

    @Test
    void timeComesOnlyFromTheObservation() {
      Scene early =
          new Scene().at(Instant.parse("2026-11-26T10:00:00Z")).checkedAgo(Duration.ofMinutes(59));
      early.host("a");
      Scene late =
          new Scene().at(Instant.parse("2026-11-26T10:00:00Z")).checkedAgo(Duration.ofMinutes(60));
      late.host("a");

      assertThat(plan(early).decisions()).isEmpty();
      assertThat(decisions(plan(late))).containsExactly("CheckForUpdates[a]");
    }
  }

  /**
   * Time limits fail an instance only on evidence: a look taken in this pass, after the limit, that
   * still shows the step unfinished. Time in which nobody looked fails nothing by itself, and a
   * pass that stopped between a step and its check leaves nothing the next pass would hold against
   * it.
   */
  @Nested
  class TimeoutsOnEvidence {
    private static final String DOWNLOADED = "2026-11-26T09:59:00Z";

    private static Scene past(Phase phase, Duration ago, Consumer<Scene.Host> setup) {
      Scene scene = new Scene().services(daemon("agent"), service("web", 2, 2));
      Scene.Host a =
          scene
              .host("a")
              .phase(phase, ago, phase.awaitedCommand().isPresent() ? "cmd-a" : null)
              .status(phase.isOutOfService() ? InstanceStatus.DRAINING : InstanceStatus.ACTIVE);
      setup.accept(a);
      scene.host("b").free(2048, 4096);
      return scene;
    }

    private static HostReply staged() {
      return status(hostStatus(UpdateState.STAGED, OLD, NEW, "prepare", "Success", DOWNLOADED));
    }

    static Stream<Arguments> looks() {
      return Stream.of(
          // STAGING, 21 minutes into a 20-minute limit.
          Arguments.of(
              "STAGING: limit passed while nobody looked: look now",
              past(Phase.STAGING, Duration.ofMinutes(21), h -> h.replied(pending())),
              "Probe(a)"),
          Arguments.of(
              "STAGING: first look after the limit shows the update staged: go on",
              past(
                  Phase.STAGING,
                  Duration.ofMinutes(21),
                  h -> h.replied(pending()).probed(Duration.ofSeconds(2), staged())),
              "MarkStaged(a)"),
          Arguments.of(
              "STAGING: a look after the limit shows the download still running: fail",
              past(
                  Phase.STAGING,
                  Duration.ofMinutes(21),
                  h ->
                      h.replied(pending())
                          .probed(Duration.ofSeconds(2), error(HostError.Kind.LOCKED))),
              "Fail(a)"),
          Arguments.of(
              "STAGING: a look from before the limit does not count: look again",
              past(
                  Phase.STAGING,
                  Duration.ofMinutes(21),
                  h ->
                      h.replied(pending())
                          .probed(Duration.ofMinutes(5), error(HostError.Kind.LOCKED))),
              "Probe(a)"),
          // DRAINING, 31 minutes into a 30-minute limit.
          Arguments.of(
              "DRAINING: limit passed while nobody looked: read the tasks first",
              past(Phase.DRAINING, Duration.ofMinutes(31), h -> {}),
              "InspectTasks(a)"),
          Arguments.of(
              "DRAINING: first look after the limit finds it drained: go on",
              past(
                  Phase.DRAINING,
                  Duration.ofMinutes(31),
                  h -> h.tasks(serviceTask("d1", "agent", 128, 128))),
              "Activate(a)"),
          Arguments.of(
              "DRAINING: a look after the limit still finds service tasks: undo",
              past(
                  Phase.DRAINING,
                  Duration.ofMinutes(31),
                  h -> h.tasks(serviceTask("t1", "web", 256, 512))),
              "Fail(a)"),
          // ACTIVATING, 3 minutes into a 2-minute limit.
          Arguments.of(
              "ACTIVATING: the pass stopped before the activation's reply: look now",
              past(Phase.ACTIVATING, Duration.ofMinutes(3), h -> h.tasks().replied(pending())),
              "Probe(a)"),
          Arguments.of(
              "ACTIVATING: first look after the limit shows Ready: reboot",
              past(
                  Phase.ACTIVATING,
                  Duration.ofMinutes(3),
                  h ->
                      h.tasks()
                          .replied(done())
                          .probed(Duration.ofSeconds(2), status("synthetic-ecs-ready.json"))),
              "Reboot(a)"),
          Arguments.of(
              "ACTIVATING: a look after the limit still shows Staged: undo",
              past(
                  Phase.ACTIVATING,
                  Duration.ofMinutes(3),
                  h ->
                      h.tasks()
                          .replied(done())
                          .probed(Duration.ofSeconds(2), status("synthetic-ecs-staged.json"))),
              "Fail(a)"),
          // REBOOTING, 21 minutes into a 20-minute limit.
          Arguments.of(
              "REBOOTING: limit passed while nobody looked, agent back: ask whether it rebooted",
              past(Phase.REBOOTING, Duration.ofMinutes(21), h -> {}),
              "Probe(a)"),
          Arguments.of(
              "REBOOTING: first look after the limit shows a new boot: verify",
              past(
                  Phase.REBOOTING,
                  Duration.ofMinutes(21),
                  h -> h.probed(Duration.ofSeconds(2), error(HostError.Kind.UNINITIALIZED))),
              "Verify(a)"),
          Arguments.of(
              "REBOOTING: a look after the limit finds the agent disconnected: fail",
              past(Phase.REBOOTING, Duration.ofMinutes(21), Scene.Host::disconnected),
              "Fail(a)"),
          // VERIFYING, 11 minutes into a 10-minute limit.
          Arguments.of(
              "VERIFYING: the pass stopped before the check's reply: look now",
              past(Phase.VERIFYING, Duration.ofMinutes(11), h -> h.rebootSeen().replied(pending())),
              "Probe(a)"),
          Arguments.of(
              "VERIFYING: first look after the limit shows the target: done",
              past(
                  Phase.VERIFYING,
                  Duration.ofMinutes(11),
                  h ->
                      h.rebootSeen()
                          .replied(pending())
                          .probed(
                              Duration.ofSeconds(2), status("synthetic-ecs-after-reboot.json"))),
              "Complete(a)"),
          Arguments.of(
              "VERIFYING: a look after the limit gives no answer: fail",
              past(
                  Phase.VERIFYING,
                  Duration.ofMinutes(11),
                  h ->
                      h.rebootSeen()
                          .replied(pending())
                          .probed(Duration.ofSeconds(2), error(HostError.Kind.NOT_RUN))),
              "Fail(a)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("looks")
    void aLimitFailsOnlyWhatALookAfterItShowsUnfinished(String name, Scene scene, String decision) {
      // b only offers room to a's tasks; what is decided about it does not matter here.
      assertThat(decisions(plan(scene)).stream().filter(d -> d.endsWith("(a)")))
          .containsExactly(decision);
    }
  }

  /** The stack-wide control switch: pause stops new starts, stop holds everything. */
  @Nested
  class ControlSwitch {

    @Test
    void stopHoldsEvenWorkUnderWay() {
      Scene scene = new Scene().control(Control.of("/u/control", Optional.of("stop")));
      scene.host("a").phase(Phase.DRAINING).status(InstanceStatus.DRAINING).tasks();
      scene.host("b");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(Reason.STOPPED);
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.WAITING);
      assertThat(line(plan, "b").reason()).contains(Reason.STOPPED);
      assertThat(plan.cluster().stopped()).isTrue();
    }

    static Stream<Arguments> unreadable() {
      return Stream.of(
          Arguments.of("a word it does not know", Control.of("/u/control", Optional.of("go"))),
          Arguments.of("no such parameter", Control.of("/u/control", Optional.empty())),
          Arguments.of("a parameter it may not read", Control.unreadable("/u/control", "denied")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void aSwitchThatCannotBeReadStops(String name, Control control) {
      Scene scene = new Scene().control(control);
      scene.host("a").phase(Phase.ACTIVATING).status(InstanceStatus.DRAINING).tasks();

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(Reason.STOPPED);
    }

    @Test
    void pauseLetsWorkUnderWayFinishButStartsNothing() {
      Scene scene =
          new Scene()
              .services(service("web", 1, 1))
              .control(Control.of("/u/control", Optional.of("pause")));
      scene.host("a").phase(Phase.DRAINING).status(InstanceStatus.DRAINING).tasks();
      scene.host("b");

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("Activate(a)");
      assertThat(line(plan, "b").reason()).contains(Reason.PAUSED);
      assertThat(line(plan, "b").detail()).contains("/u/control says pause");
    }
  }

  /** A failed update check stays on the instance and in every report until a check succeeds. */
  @Nested
  class FailedChecks {

    @Test
    void aHostWhoseCheckFailedIsCheckedAgainAfterItsBackOffEvenWithinTheCheckInterval() {
      Scene scene = new Scene().checkedAgo(Duration.ofMinutes(20));
      scene.host("a").failed(FailureReason.CHECK_FAILED, Duration.ofMinutes(11), 1, null);
      scene.host("b");

      Planner.Plan plan = plan(scene);

      assertThat(only(plan, Decision.CheckForUpdates.class).instances())
          .extracting(InstanceView::arn)
          .containsExactly(arn("a"));
      assertThat(only(plan, Decision.CheckForUpdates.class).full()).isFalse();
      assertThat(line(plan, "a").reason()).contains(FailureReason.CHECK_FAILED);
      assertThat(line(plan, "a").detail()).contains("checking again now");
      assertThat(line(plan, "b").reason()).contains(Reason.NOT_CHECKED);
    }

    @Test
    void untilItsBackOffHasPassedItIsReportedAsAFailedCheckWithTheTime() {
      Scene scene = new Scene().checkedAgo(Duration.ofMinutes(20));
      scene.host("a").failed(FailureReason.CHECK_FAILED, Duration.ofMinutes(5), 2, null);

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(FailureReason.CHECK_FAILED);
      assertThat(line(plan, "a").detail()).contains("2 checks in a row");
      // The second failure in a row waits twice CHECK_RETRY_INTERVAL.
      assertThat(line(plan, "a").next())
          .isEqualTo("checked again after " + Scene.T0.plus(Duration.ofMinutes(15)));
    }

    @Test
    void aGoodCheckDeletesTheRecordOfTheFailedOnes() {
      Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-after-reboot.json")));
      scene.host("a").failed(FailureReason.CHECK_FAILED, Duration.ofMinutes(11), 1, null);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("ClearCheckFailure(a)");
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.UP_TO_DATE);
    }

    @Test
    void aFailedCheckNeverReplacesAFailureThatNeedsAnOperator() {
      Scene scene = new Scene().checked(Map.of("a", error(HostError.Kind.NOT_RUN)));
      scene.host("a").failed(FailureReason.ROLLED_BACK, Duration.ofDays(2), 1, "1.19.0");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(FailureReason.CHECK_FAILED);
    }
  }
}
