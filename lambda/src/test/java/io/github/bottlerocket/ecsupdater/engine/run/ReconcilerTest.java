package io.github.bottlerocket.ecsupdater.engine.run;

import static io.github.bottlerocket.ecsupdater.testing.Scene.NEW;
import static io.github.bottlerocket.ecsupdater.testing.Scene.OLD;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.standaloneTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Lifecycle;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The reconciler against an in-memory cluster: ordering of changes, deadlines, resumption. */
class ReconcilerTest {
  private final FakeCluster cluster = new FakeCluster();
  private final List<Transition> transitions = new ArrayList<>();
  private final Map<String, String> env =
      new HashMap<>(Map.of("POLL_INTERVAL", "5s", "DEADLINE_MARGIN", "1s"));

  ReconcilerTest() {
    // Room for the tasks of a drained instance, on a host the updater never touches.
    FakeCluster.Host spare = cluster.host("zz-spare");
    spare.bottlerocket = false;
    spare.registered = new io.github.bottlerocket.ecsupdater.model.Resources(8192, 16384);
  }

  private List<FakeCluster.Host> bottlerocketHosts() {
    return cluster.hosts.values().stream().filter(h -> h.bottlerocket).toList();
  }

  private Reconciler reconciler() {
    PassListener listener =
        new PassListener() {
          @Override
          public void transition(Transition t) {
            transitions.add(t);
          }
        };
    AtomicInteger runs = new AtomicInteger();
    return new Reconciler(
        cluster,
        cluster,
        Settings.fromEnvironment(env),
        cluster.clock,
        cluster.sleeper(),
        listener,
        () -> "run-" + runs.incrementAndGet());
  }

  private PassReport pass() {
    return pass(PassOptions.DEFAULT);
  }

  private PassReport pass(PassOptions options) {
    PassReport report =
        reconciler()
            .run(
                FakeCluster.CLUSTER,
                options,
                Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));
    // Whatever a test checks, every transition of its pass is an arrow of the lifecycle.
    assertThat(report.transitions()).allMatch(Lifecycle::allows, "an arrow of Lifecycle");
    return report;
  }

  private FakeCluster.Host updatable(String id) {
    FakeCluster.Host h = cluster.host(id);
    h.offered = NEW;
    h.tasks.add(serviceTask("t-" + id, "web", 256, 512));
    return h;
  }

  @Test
  void updatesAnInstanceThroughEveryPhaseInOnePass() {
    FakeCluster.Host a = updatable("a");
    cluster.host("b");

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    assertThat(a.active).isEqualTo(NEW);
    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(a.attributes).isEmpty();
    assertThat(transitions)
        .extracting(Transition::kind)
        .containsExactly(
            Transition.Kind.STAGING_STARTED,
            Transition.Kind.STAGED,
            Transition.Kind.DRAIN_STARTED,
            Transition.Kind.ACTIVATION_STARTED,
            Transition.Kind.REBOOT_SENT,
            Transition.Kind.VERIFICATION_STARTED,
            Transition.Kind.UPDATED);
    InstanceReport line = report.instances().get(0);
    assertThat(line.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(line.runningVersion()).contains(NEW);
    assertThat(transitions.get(transitions.size() - 1).outOfService())
        .hasValueSatisfying(d -> assertThat(d).isPositive());
  }

  @Test
  void recordsEachPhaseAndCarriesStepsOutInASafeOrder() {
    updatable("a");

    pass();

    assertThat(cluster.changes())
        .containsExactly(
            "ssm:SendCommand PREPARE i-a",
            "ecs:PutAttributes a state=STAGING",
            "ecs:PutAttributes a state=STAGED",
            "ecs:PutAttributes a state=DRAINING",
            "ecs:UpdateContainerInstancesState a DRAINING",
            "ssm:SendCommand ACTIVATE i-a",
            "ecs:PutAttributes a state=ACTIVATING",
            "ecs:PutAttributes a state=REBOOTING",
            "ssm:SendCommand REBOOT i-a",
            "ecs:PutAttributes a state=VERIFYING",
            "ecs:UpdateContainerInstancesState a ACTIVE",
            "ecs:DeleteAttributes a state");
  }

  @Test
  void recordsTheLastCheckOnTheClusterAndRespectsTheInterval() {
    cluster.host("a");

    pass();
    int checksAfterFirst = (int) cluster.log.stream().filter(l -> l.contains(" CHECK ")).count();
    pass();

    assertThat(cluster.tags).containsKey(StateAttributes.LAST_CHECK_TAG);
    assertThat(checksAfterFirst).isEqualTo(1);
    assertThat(cluster.log.stream().filter(l -> l.contains(" CHECK "))).hasSize(1);
  }

  @Test
  void updatesOneInstanceAtATimeAndDownloadsTheNextWhileTheFirstIsOut() {
    cluster.services.add(new ServiceInfo("web", false, 3, 3));
    updatable("a");
    updatable("b");
    updatable("c");

    pass();

    assertThat(bottlerocketHosts()).allSatisfy(h -> assertThat(h.active).isEqualTo(NEW));
    assertThat(cluster.maxDraining).isEqualTo(1);
    List<String> changes = cluster.changes();
    assertThat(changes.indexOf("ssm:SendCommand PREPARE i-b"))
        .isLessThan(changes.indexOf("ecs:UpdateContainerInstancesState a ACTIVE"));
  }

  @Test
  void queuesEveryUpdateBeyondTheDownloadSlotsInOneWrite() {
    updatable("a");
    updatable("b");
    updatable("c");
    updatable("d");

    reconciler()
        .run(
            FakeCluster.CLUSTER,
            PassOptions.DEFAULT,
            () -> cluster.log.size() < 12 ? Duration.ofHours(1) : Duration.ZERO);

    assertThat(cluster.putAttributesCalls)
        .anySatisfy(
            call ->
                assertThat(call)
                    .extracting(EcsPort.InstanceAttribute::value)
                    .hasSize(3)
                    .allMatch(v -> v.startsWith("2/QUEUED/")));
  }

  @Test
  void drainsTwoAtATimeAtMaxConcurrentTwo() {
    env.put("MAX_CONCURRENT", "2");
    updatable("a");
    updatable("b");
    updatable("c");

    pass();

    assertThat(cluster.maxDraining).isEqualTo(2);
    assertThat(bottlerocketHosts()).allSatisfy(h -> assertThat(h.active).isEqualTo(NEW));
  }

  @Test
  void neverRebootsAHostWithServiceTasksAndNeverDrainsWithoutARecord() {
    updatable("a").drainsImmediately = false;
    env.put("DRAIN_TIMEOUT", "2m");

    PassReport report = pass();

    assertThat(cluster.host("a").rebootedWithTasks).isEmpty();
    assertThat(cluster.drainedWithoutRecord).isEmpty();
    assertThat(report.instances().get(0).reason()).contains(FailureReason.DRAIN_TIMEOUT);
    assertThat(cluster.host("a").status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(cluster.host("a").attributes)
        .containsKey(StateAttributes.FAILURE)
        .doesNotContainKey(StateAttributes.STATE);
  }

  @Test
  void aHostWithAStandaloneTaskIsNeverTouched() {
    FakeCluster.Host a = updatable("a");
    a.tasks.add(standaloneTask("job"));

    PassReport report = pass();

    assertThat(cluster.changes()).isEmpty();
    assertThat(report.instances().get(0).reason()).contains(Reason.STANDALONE_TASKS);
  }

  @Test
  void aRollbackSetsTheInstanceActiveRecordsTheFailureAndStopsNewStarts() {
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    FakeCluster.Host a = updatable("a");
    a.failsToBoot = true;
    FakeCluster.Host b = updatable("b");

    PassReport report = pass();

    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(a.active).isEqualTo(OLD);
    assertThat(StateAttributes.decodeFailure(a.attributes.get(StateAttributes.FAILURE)).reason())
        .isEqualTo(FailureReason.ROLLED_BACK);
    assertThat(report.cluster())
        .hasValueSatisfying(c -> assertThat(c.circuitBreakerOpen()).isTrue());
    assertThat(b.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(b.active).isEqualTo(OLD);
    assertThat(cluster.changes()).noneMatch(c -> c.contains("DRAINING") && c.contains(" b "));
  }

  @Test
  void aHostThatNeverReturnsStaysDrainingWithItsRecordAndFailure() {
    FakeCluster.Host a = updatable("a");
    env.put("REBOOT_TIMEOUT", "5m");
    a.failsToBoot = false;

    PassReport first =
        reconciler()
            .run(
                FakeCluster.CLUSTER,
                PassOptions.DEFAULT,
                () -> {
                  // Keep the host away for good once it has rebooted.
                  if (a.backAt != null) {
                    a.backAt = Instant.MAX;
                  }
                  return Duration.ofHours(1);
                });

    assertThat(first.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    assertThat(a.status).isEqualTo(InstanceStatus.DRAINING);
    assertThat(StateAttributes.decodePhase(a.attributes.get(StateAttributes.STATE)).phase())
        .isEqualTo(Phase.REBOOTING);
    assertThat(StateAttributes.decodeFailure(a.attributes.get(StateAttributes.FAILURE)).reason())
        .isEqualTo(FailureReason.REBOOT_TIMEOUT);
  }

  @Test
  void aRebootRecordedButNeverSentIsSentAgainAndTheUpdateFinishes() {
    // The pass that recorded REBOOTING stopped before the reboot went out: the host is still
    // Ready on its old version, drained, with nothing but the record.
    FakeCluster.Host a = updatable("a");
    a.status = InstanceStatus.DRAINING;
    a.drainStarted = Scene.T0.minusSeconds(300);
    a.tasks.clear();
    a.staged = NEW;
    a.ready = true;
    a.attributes.put(
        StateAttributes.STATE,
        StateAttributes.encode(
            new PhaseRecord(
                Phase.REBOOTING,
                Optional.of(Scene.OLD),
                Optional.of(NEW),
                Scene.T0.minusSeconds(120),
                Optional.of(Scene.T0.minusSeconds(300)),
                Optional.empty())));

    PassReport report = pass();

    assertThat(cluster.log.stream().filter(l -> l.startsWith("ssm:SendCommand REBOOT"))).hasSize(1);
    assertThat(a.active).isEqualTo(NEW);
    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(report.transitions()).noneMatch(t -> t.kind() == Transition.Kind.FAILED);
  }

  @Test
  void aDryRunChangesNothingAndSaysWhatItWouldDo() {
    updatable("a");

    PassReport report = pass(PassOptions.dryRunOnly());

    assertThat(cluster.changes()).isEmpty();
    assertThat(cluster.tags).isEmpty();
    assertThat(cluster.log).noneMatch(l -> l.startsWith("ecs:TagResource"));
    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.PLANNED);
    assertThat(report.transitions())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.kind()).isEqualTo(Transition.Kind.STAGING_STARTED);
              assertThat(t.detail()).startsWith("would");
              assertThat(t.targetVersion()).contains(NEW);
            });
  }

  @Test
  void aFaultReadingTheClusterEndsThePassWithTheReasonAndNoChange() {
    updatable("a");
    cluster.faults.put(
        "ecs:ListContainerInstances",
        new AwsFault(
            AwsFault.Kind.ACCESS_DENIED,
            "ecs:ListContainerInstances",
            "AccessDeniedException: no",
            null));

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.ERROR);
    assertThat(report.error())
        .hasValueSatisfying(
            e -> assertThat(e).contains("ecs:ListContainerInstances failed").contains("IAM role"));
    assertThat(cluster.changes()).isEmpty();
  }

  @Test
  void anUnknownClusterIsAnErrorThatNamesIt() {
    PassReport report = reconciler().run("nope", PassOptions.DEFAULT, () -> Duration.ofMinutes(1));

    assertThat(report.error())
        .hasValueSatisfying(e -> assertThat(e).contains("cluster 'nope' was not found"));
  }

  @Test
  void aThrottledObservationMakesThePassWaitAndGoOnWithoutFailingAnything() {
    updatable("a");
    cluster.failTimes(
        "ecs:ListContainerInstances",
        new AwsFault(AwsFault.Kind.THROTTLED, "ecs:ListContainerInstances", "Rate exceeded", null),
        3);

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    assertThat(report.error()).isEmpty();
    assertThat(report.faults())
        .containsExactly(new PassReport.Fault("ecs:ListContainerInstances", "THROTTLED", 3));
    assertThat(cluster.host("a").active).isEqualTo(NEW);
    assertThat(cluster.host("a").attributes).doesNotContainKey(StateAttributes.FAILURE);
  }

  @Test
  void aServerErrorInTheMiddleOfAnUpdateIsWaitedOutAndTheUpdateFinishes() {
    updatable("a");
    cluster.failTimes(
        "ecs:ListTasks",
        new AwsFault(AwsFault.Kind.UNAVAILABLE, "ecs:ListTasks", "HTTP 500", null),
        2);

    PassReport report = pass();

    assertThat(report.faults())
        .containsExactly(new PassReport.Fault("ecs:ListTasks", "UNAVAILABLE", 2));
    assertThat(cluster.host("a").active).isEqualTo(NEW);
    assertThat(report.transitions()).noneMatch(t -> t.kind() == Transition.Kind.FAILED);
  }

  @Test
  void aStepAwsRefusesForGoodIsNotTriedAgainInThePass() {
    updatable("a");
    cluster.faults.put(
        "ssm:SendCommand",
        new AwsFault(AwsFault.Kind.ACCESS_DENIED, "ssm:SendCommand", "not authorized", null));
    cluster.tags.put(StateAttributes.LAST_CHECK_TAG, Scene.T0.minusSeconds(60).toString());
    FakeCluster.Host a = cluster.host("a");
    a.attributes.put(
        StateAttributes.STATE,
        StateAttributes.encode(
            new PhaseRecord(
                Phase.QUEUED,
                Optional.of(Scene.OLD),
                Optional.of(NEW),
                Scene.T0.minusSeconds(30),
                Optional.empty(),
                Optional.empty())));

    PassReport report = pass();

    assertThat(cluster.log.stream().filter(l -> l.startsWith("ssm:SendCommand PREPARE")))
        .hasSize(1);
    assertThat(report.instances().get(0).detail()).contains("last step failed");
  }

  static Stream<Arguments> stops() {
    return Stream.of(
        Arguments.of("stop", Optional.of("stop")),
        Arguments.of("a word it does not know", Optional.of("halt please")),
        Arguments.of("no such parameter", Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stops")
  void aStopHoldsAnUpdateUnderWayWhereItIs(String name, Optional<String> value) {
    env.put("CONTROL_PARAMETER", "/updater/control");
    value.ifPresent(v -> cluster.parameters.put("/updater/control", v));
    FakeCluster.Host a = updatable("a");
    a.status = InstanceStatus.DRAINING;
    a.drainStarted = Scene.T0.minusSeconds(30);
    a.tasks.clear();
    a.attributes.put(
        StateAttributes.STATE,
        StateAttributes.encode(
            new PhaseRecord(
                Phase.DRAINING,
                Optional.of(Scene.OLD),
                Optional.of(NEW),
                Scene.T0.minusSeconds(30),
                Optional.of(Scene.T0.minusSeconds(30)),
                Optional.empty())));

    PassReport report = pass();

    assertThat(cluster.changes()).isEmpty();
    assertThat(cluster.log).noneMatch(l -> l.startsWith("ssm:SendCommand"));
    assertThat(report.instances().get(0).reason()).contains(Reason.STOPPED);
    assertThat(a.status).isEqualTo(InstanceStatus.DRAINING);
  }

  @Test
  void aPauseLetsTheUpdateUnderWayFinishAndStartsNothingNew() {
    env.put("CONTROL_PARAMETER", "/updater/control");
    cluster.parameters.put("/updater/control", "pause");
    FakeCluster.Host a = updatable("a");
    a.status = InstanceStatus.DRAINING;
    a.drainStarted = Scene.T0.minusSeconds(30);
    a.tasks.clear();
    a.staged = NEW;
    a.attributes.put(
        StateAttributes.STATE,
        StateAttributes.encode(
            new PhaseRecord(
                Phase.DRAINING,
                Optional.of(Scene.OLD),
                Optional.of(NEW),
                Scene.T0.minusSeconds(30),
                Optional.of(Scene.T0.minusSeconds(30)),
                Optional.empty())));
    updatable("b");

    PassReport report = pass();

    assertThat(a.active).isEqualTo(NEW);
    assertThat(cluster.log).noneMatch(l -> l.contains(" CHECK i-b"));
    assertThat(report.instances())
        .filteredOn(i -> i.containerInstanceArn().endsWith("/b"))
        .singleElement()
        .satisfies(i -> assertThat(i.reason()).contains(Reason.PAUSED));
  }

  @Test
  void theControlParameterIsReadOncePerControlInterval() {
    env.put("CONTROL_PARAMETER", "/updater/control");
    env.put("CONTROL_INTERVAL", "10m");
    cluster.parameters.put("/updater/control", "run");
    updatable("a");

    pass();

    assertThat(cluster.log.stream().filter(l -> l.startsWith("ssm:GetParameter"))).hasSize(1);
  }

  @Test
  void aStepThePassHasNoTimeForIsReportedAsDeadline() {
    updatable("a");

    // Enough time to observe, too little to collect a check's replies.
    PassReport report =
        reconciler().run(FakeCluster.CLUSTER, PassOptions.DEFAULT, () -> Duration.ofMinutes(2));

    assertThat(cluster.log).noneMatch(l -> l.contains(" CHECK "));
    assertThat(report.instances().get(0).reason()).contains(Reason.DEADLINE);
    assertThat(report.instances().get(0).next()).isEqualTo("the next pass continues");
  }

  @Test
  void aClusterOutsideTheAllowListIsRefused() {
    env.put("ALLOWED_CLUSTERS", "other");

    PassReport report = pass();

    assertThat(report.error())
        .hasValueSatisfying(e -> assertThat(e).contains("is not in ALLOWED_CLUSTERS"));
    assertThat(cluster.log).containsExactly("ecs:DescribeClusters");
  }

  @Test
  void anInstanceWithoutRoomForTheRecordsGetsNoCommandAtAll() {
    FakeCluster.Host a = updatable("a");
    for (int i = 0; i < 9; i++) {
      a.attributes.put("team.label" + i, "x");
    }

    PassReport report = pass();

    assertThat(cluster.changes()).isEmpty();
    assertThat(cluster.log).noneMatch(l -> l.contains("PREPARE"));
    assertThat(report.instances().get(0).reason()).contains(Reason.ATTRIBUTE_LIMIT);
  }

  @Test
  void anAttributeLimitReachedInTheMeantimeIsReportedOnTheInstanceWithoutDraining() {
    updatable("a");
    cluster.faults.put(
        "ecs:PutAttributes",
        new AwsFault(
            AwsFault.Kind.ATTRIBUTE_LIMIT,
            "ecs:PutAttributes",
            "AttributeLimitExceededException",
            null));

    PassReport report = pass();

    assertThat(cluster.host("a").status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(report.instances().get(0).detail()).contains("10 custom attributes");
  }

  @Test
  void stopsBeforeTheDeadlineAndTheNextPassFinishesTheWork() {
    FakeCluster.Host a = updatable("a");
    a.drainsImmediately = false;
    Instant end = cluster.clock.instant().plus(Duration.ofMinutes(5));

    PassReport first =
        reconciler().run(FakeCluster.CLUSTER, PassOptions.DEFAULT, Deadline.at(end, cluster.clock));

    assertThat(first.stopReason()).isEqualTo(PassReport.StopReason.DEADLINE);
    assertThat(a.status).isEqualTo(InstanceStatus.DRAINING);
    assertThat(a.attributes).containsKey(StateAttributes.STATE);
    assertThat(cluster.clock.instant()).isBefore(end);

    a.drainsImmediately = true;
    PassReport second = pass();

    assertThat(second.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    assertThat(a.active).isEqualTo(NEW);
    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
  }

  static java.util.stream.IntStream everyCallOfATwoInstanceUpdate() {
    return java.util.stream.IntStream.rangeClosed(1, 160);
  }

  @ParameterizedTest(name = "stopped after {0} calls")
  @MethodSource("everyCallOfATwoInstanceUpdate")
  void aPassStoppedAtAnyPointIsFinishedByTheNextOne(int calls) {
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    updatable("a");
    updatable("b");
    int start = cluster.log.size();

    reconciler()
        .run(
            FakeCluster.CLUSTER,
            PassOptions.DEFAULT,
            () -> cluster.log.size() - start < calls ? Duration.ofHours(1) : Duration.ZERO);
    PassReport resumed = pass();
    PassReport last = pass(new PassOptions(false, false, true, java.util.OptionalInt.empty()));

    assertThat(bottlerocketHosts())
        .allSatisfy(
            h -> {
              assertThat(h.active).isEqualTo(NEW);
              assertThat(h.status).isEqualTo(InstanceStatus.ACTIVE);
              assertThat(h.attributes).isEmpty();
              assertThat(h.rebootedWithTasks).isEmpty();
            });
    assertThat(cluster.maxDraining).isEqualTo(1);
    assertThat(cluster.drainedWithoutRecord).isEmpty();
    assertThat(resumed.error()).isEmpty();
    assertThat(last.instances().stream().filter(i -> i.variant().isPresent()))
        .allSatisfy(i -> assertThat(i.outcome()).isEqualTo(Outcome.UP_TO_DATE));
  }
}
