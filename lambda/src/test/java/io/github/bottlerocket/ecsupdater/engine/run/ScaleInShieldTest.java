package io.github.bottlerocket.ecsupdater.engine.run;

import static io.github.bottlerocket.ecsupdater.testing.Scene.NEW;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.Lifecycle;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scale-in shield against an in-memory cluster whose hosts belong to an Auto Scaling group:
 * what the updater found is recorded before the protection is set, the protection is set before the
 * drain, and it is cleared before the instance is set ACTIVE and its record deleted, also when a
 * pass stops after any call.
 */
class ScaleInShieldTest {
  private static final String SHIELD_ON = "autoscaling:SetInstanceProtection i-a true";
  private static final String SHIELD_OFF = "autoscaling:SetInstanceProtection i-a false";

  private final FakeCluster cluster = new FakeCluster();
  private final Map<String, String> env =
      new HashMap<>(Map.of("POLL_INTERVAL", "5s", "DEADLINE_MARGIN", "1s"));

  ScaleInShieldTest() {
    FakeCluster.Host spare = cluster.host("zz-spare");
    spare.bottlerocket = false;
    spare.registered = new Resources(8192, 16384);
  }

  private FakeCluster.Host inGroup(String id) {
    FakeCluster.Host h = cluster.host(id);
    h.offered = NEW;
    h.tasks.add(serviceTask("t-" + id, "web", 256, 512));
    h.group = "asg-a";
    return h;
  }

  private Reconciler reconciler() {
    AtomicInteger runs = new AtomicInteger();
    return new Reconciler(
        cluster,
        cluster,
        (AutoScalingPort) cluster,
        Settings.fromEnvironment(env),
        cluster.clock,
        cluster.sleeper(),
        PassListener.NONE,
        () -> "run-" + runs.incrementAndGet());
  }

  private PassReport pass(PassOptions options) {
    PassReport report =
        reconciler()
            .run(
                FakeCluster.CLUSTER,
                options,
                Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));
    assertThat(report.transitions()).allMatch(Lifecycle::allows, "an arrow of Lifecycle");
    return report;
  }

  private PassReport pass() {
    return pass(PassOptions.DEFAULT);
  }

  /** The first DRAINING record the pass wrote, which comes before any scale-in protection. */
  private PhaseRecord drainRecord() {
    return StateAttributes.decodePhase(
        cluster.putAttributesCalls.stream()
            .flatMap(List::stream)
            .filter(a -> a.value().contains("/DRAINING/"))
            .findFirst()
            .orElseThrow()
            .value());
  }

  @Test
  void recordsWhatItFoundThenProtectsThenDrainsAndClearsItBeforeActive() {
    FakeCluster.Host a = inGroup("a");

    PassReport report = pass();

    assertThat(a.active).isEqualTo(NEW);
    assertThat(a.scaleInProtected).isFalse();
    assertThat(cluster.changes())
        .containsSubsequence(
            "ecs:PutAttributes a state=DRAINING",
            SHIELD_ON,
            "ecs:UpdateContainerInstancesState a DRAINING",
            "ssm:SendCommand REBOOT i-a",
            SHIELD_OFF,
            "ecs:UpdateContainerInstancesState a ACTIVE",
            "ecs:DeleteAttributes a state");
    assertThat(drainRecord().has(PhaseRecord.Mark.SCALE_IN_SHIELD_SET)).isTrue();
    assertThat(cluster.protectedWithoutRecord).isEmpty();
    assertThat(cluster.drainedUnprotected).isEmpty();
    assertThat(report.transitions())
        .filteredOn(t -> t.kind() == Transition.Kind.UPDATED)
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.detail())
                    .endsWith("scale-in protection cleared again in Auto Scaling group asg-a"));
  }

  @Test
  void anInstanceProtectedAlreadyIsNeverTouched() {
    FakeCluster.Host a = inGroup("a");
    a.scaleInProtected = true;

    pass();

    assertThat(a.active).isEqualTo(NEW);
    assertThat(a.scaleInProtected).isTrue();
    assertThat(cluster.log).noneMatch(l -> l.startsWith("autoscaling:SetInstanceProtection"));
    assertThat(drainRecord().has(PhaseRecord.Mark.SCALE_IN_PROTECTED_BEFORE)).isTrue();
  }

  @Test
  void anInstanceOfNoGroupIsOnlyAskedAbout() {
    FakeCluster.Host a = inGroup("a");
    a.group = null;

    pass();

    assertThat(a.active).isEqualTo(NEW);
    assertThat(cluster.log).noneMatch(l -> l.startsWith("autoscaling:SetInstanceProtection"));
    assertThat(cluster.log).contains("autoscaling:DescribeAutoScalingInstances i-a");
  }

  @Test
  void switchedOffItNeverCallsAutoScaling() {
    env.put("SCALE_IN_SHIELD", "false");
    inGroup("a");

    pass();

    assertThat(cluster.log).noneMatch(l -> l.startsWith("autoscaling:"));
  }

  @Test
  void aDrainThatIsUndoneClearsTheProtectionBeforeTheInstanceIsActiveAgain() {
    FakeCluster.Host a = inGroup("a");
    a.drainsImmediately = false;
    env.put("DRAIN_TIMEOUT", "2m");

    PassReport report = pass();

    assertThat(report.instances().get(0).reason()).contains(FailureReason.DRAIN_TIMEOUT);
    assertThat(a.scaleInProtected).isFalse();
    assertThat(cluster.changes())
        .containsSubsequence(
            "ecs:PutAttributes a failure=DRAIN_TIMEOUT",
            SHIELD_OFF,
            "ecs:UpdateContainerInstancesState a ACTIVE",
            "ecs:DeleteAttributes a state");
  }

  @Test
  void aHostThatDoesNotComeBackKeepsItsProtection() {
    FakeCluster.Host a = inGroup("a");
    env.put("REBOOT_TIMEOUT", "5m");

    reconciler()
        .run(
            FakeCluster.CLUSTER,
            PassOptions.DEFAULT,
            () -> {
              if (a.backAt != null) {
                a.backAt = Instant.MAX;
              }
              return Duration.ofHours(1);
            });

    assertThat(a.status).isEqualTo(InstanceStatus.DRAINING);
    assertThat(a.scaleInProtected).isTrue();
    assertThat(StateAttributes.decodePhase(a.attributes.get(StateAttributes.STATE)).phase())
        .isEqualTo(Phase.REBOOTING);
    assertThat(cluster.log).doesNotContain(SHIELD_OFF);
  }

  @Test
  void aProtectionAutoScalingRefusesStopsTheDrainWithAFailureThatBacksOff() {
    FakeCluster.Host a = inGroup("a");
    cluster.faults.put(
        "autoscaling:SetInstanceProtection",
        new AwsFault(
            AwsFault.Kind.ACCESS_DENIED,
            "autoscaling:SetInstanceProtection",
            "AccessDenied: not authorized",
            null));

    PassReport report = pass();

    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(cluster.log).noneMatch(l -> l.contains("UpdateContainerInstancesState a DRAINING"));
    assertThat(a.attributes).doesNotContainKey(StateAttributes.STATE);
    assertThat(StateAttributes.decodeFailure(a.attributes.get(StateAttributes.FAILURE)).reason())
        .isEqualTo(FailureReason.SCALE_IN_SHIELD_FAILED);
    assertThat(report.instances().get(0).detail()).contains("autoscaling:SetInstanceProtection");
  }

  @Test
  void aThrottledProtectionLeavesTheDrainRecordedNotAppliedAndTheNextPassFinishes() {
    FakeCluster.Host a = inGroup("a");
    cluster.failTimes(
        "autoscaling:SetInstanceProtection",
        new AwsFault(
            AwsFault.Kind.THROTTLED, "autoscaling:SetInstanceProtection", "Throttling", null),
        1);

    pass();

    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(StateAttributes.decodePhase(a.attributes.get(StateAttributes.STATE)).phase())
        .isEqualTo(Phase.DRAINING);

    pass();

    assertThat(a.active).isEqualTo(NEW);
    assertThat(a.scaleInProtected).isFalse();
    assertThat(cluster.drainedUnprotected).isEmpty();
    assertThat(a.attributes).doesNotContainKey(StateAttributes.FAILURE);
  }

  @Test
  void aRestoreAutoScalingRefusesLetsTheUpdateEndAndSaysTheProtectionStays() {
    FakeCluster.Host a = inGroup("a");
    // Once the protection is on, Auto Scaling refuses every further change of it.
    PassReport first =
        reconciler()
            .run(
                FakeCluster.CLUSTER,
                PassOptions.DEFAULT,
                () -> {
                  if (a.scaleInProtected) {
                    cluster.faults.put(
                        "autoscaling:SetInstanceProtection",
                        new AwsFault(
                            AwsFault.Kind.ACCESS_DENIED,
                            "autoscaling:SetInstanceProtection",
                            "AccessDenied",
                            null));
                  }
                  return Duration.ofHours(1);
                });

    assertThat(a.active).isEqualTo(NEW);
    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(a.attributes).doesNotContainKey(StateAttributes.STATE);
    assertThat(a.scaleInProtected).isTrue();
    assertThat(first.faults())
        .contains(new PassReport.Fault("autoscaling:SetInstanceProtection", "ACCESS_DENIED", 1));
    assertThat(first.transitions())
        .filteredOn(t -> t.kind() == Transition.Kind.UPDATED)
        .singleElement()
        .satisfies(t -> assertThat(t.detail()).contains("could not be cleared and stays on"));
  }

  @Test
  void aDryRunSaysWhatItWouldProtectAndChangesNothing() {
    FakeCluster.Host a = inGroup("a");
    a.attributes.put(
        StateAttributes.STATE,
        StateAttributes.encode(
            new PhaseRecord(
                Phase.STAGED,
                java.util.Optional.of(a.active),
                java.util.Optional.of(NEW),
                cluster.clock.instant().minusSeconds(60),
                java.util.Optional.empty(),
                java.util.Optional.empty())));
    a.staged = NEW;

    PassReport report = pass(PassOptions.dryRunOnly());

    assertThat(cluster.changes()).isEmpty();
    assertThat(report.transitions())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.kind()).isEqualTo(Transition.Kind.DRAIN_STARTED);
              assertThat(t.detail())
                  .isEqualTo(
                      "would set the instance DRAINING: protected from scale-in in Auto Scaling"
                          + " group asg-a first, until it is ACTIVE again");
            });
  }

  /** More calls than an uninterrupted update of both hosts makes (checked below). */
  private static final int CALLS = 200;

  static IntStream everyCall() {
    return IntStream.rangeClosed(1, CALLS);
  }

  @Test
  void anUninterruptedUpdateOfBothHostsTakesFewerCallsThanTheTableBelowStopsAt() {
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    inGroup("a");
    inGroup("b");

    pass();

    assertThat(cluster.log.size()).isLessThan(CALLS);
  }

  @ParameterizedTest(name = "stopped after {0} calls")
  @MethodSource("everyCall")
  void aPassStoppedAfterAnyCallStillRestoresTheProtection(int calls) {
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    FakeCluster.Host a = inGroup("a");
    FakeCluster.Host b = inGroup("b");
    b.scaleInProtected = true;
    int start = cluster.log.size();

    reconciler()
        .run(
            FakeCluster.CLUSTER,
            PassOptions.DEFAULT,
            () -> cluster.log.size() - start < calls ? Duration.ofHours(1) : Duration.ZERO);
    pass();
    pass(new PassOptions(false, false, true, OptionalInt.empty()));

    assertThat(List.of(a, b))
        .allSatisfy(
            h -> {
              assertThat(h.active).isEqualTo(NEW);
              assertThat(h.status).isEqualTo(InstanceStatus.ACTIVE);
              assertThat(h.attributes).isEmpty();
            });
    assertThat(a.scaleInProtected).as("a, found unprotected").isFalse();
    assertThat(b.scaleInProtected).as("b, found protected").isTrue();
    assertThat(cluster.drainedUnprotected).isEmpty();
    assertThat(cluster.protectedWithoutRecord).isEmpty();
    assertThat(cluster.log).noneMatch(l -> l.equals("autoscaling:SetInstanceProtection i-b false"));
  }
}
