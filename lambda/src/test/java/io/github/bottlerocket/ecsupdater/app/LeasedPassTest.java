package io.github.bottlerocket.ecsupdater.app;

import static io.github.bottlerocket.ecsupdater.testing.Scene.NEW;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.engine.run.Reconciler;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.FakeLeases;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A whole pass with the lease: nothing changes without it, and nothing after it is lost. */
class LeasedPassTest {
  private static final String ARN = FakeCluster.CLUSTER;

  private final FakeCluster cluster = new FakeCluster();
  private final FakeLeases leases = new FakeLeases();
  private final AtomicInteger runs = new AtomicInteger();

  /** Runs between the pass's waits, as time passes: another pass, a fault. */
  private Consumer<Instant> meanwhile = now -> {};

  LeasedPassTest() {
    FakeCluster.Host spare = cluster.host("zz-spare");
    spare.bottlerocket = false;
    spare.registered = new Resources(8192, 16384);
  }

  private FakeCluster.Host updatable(String id) {
    FakeCluster.Host h = cluster.host(id);
    h.offered = NEW;
    h.tasks.add(serviceTask("t-" + id, "web", 256, 512));
    return h;
  }

  private PassReport pass(PassOptions options, Duration time) {
    Sleeper sleeper =
        d -> {
          cluster.clock.advance(d);
          meanwhile.accept(cluster.clock.instant());
        };
    Reconciler reconciler =
        new Reconciler(
            cluster,
            cluster,
            Settings.fromEnvironment(Map.of("POLL_INTERVAL", "5s", "DEADLINE_MARGIN", "1s")),
            cluster.clock,
            sleeper,
            PassListener.NONE,
            () -> "run-" + runs.incrementAndGet());
    LeaseKeeper keeper =
        new LeaseKeeper(
            leases,
            cluster,
            cluster.clock,
            Duration.ofMinutes(6),
            LeaseKeeper.Tables.setting(Optional.of("leases")),
            "function test (schedule)");
    return reconciler.run(
        ARN, options, Deadline.at(cluster.clock.instant().plus(time), cluster.clock), keeper);
  }

  private PassReport pass() {
    return pass(PassOptions.DEFAULT, Duration.ofMinutes(14));
  }

  @Test
  void aPassOverABusyClusterChangesNothingAndSaysWhoHoldsItUntilWhen() {
    updatable("a");
    Instant until = Scene.T0.plusSeconds(200);
    leases.hold(ARN, "run-other", "command-line runner alice@laptop (pid 7)", Scene.T0, until);

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.CLUSTER_BUSY);
    assertThat(report.error()).isEmpty();
    assertThat(report.lease())
        .contains(
            new ClusterLease.LeaseStatus(
                "leases", "run-other", "command-line runner alice@laptop (pid 7)", until));
    assertThat(report.observations()).isZero();
    assertThat(cluster.log).containsExactly("ecs:DescribeClusters");
    assertThat(leases.lease(ARN).orElseThrow().owner()).isEqualTo("run-other");
  }

  @Test
  void aDryRunTakesNoLease() {
    updatable("a");
    leases.hold(ARN, "run-other", "function f", Scene.T0, Scene.T0.plusSeconds(200));

    PassReport report = pass(PassOptions.dryRunOnly(), Duration.ofMinutes(14));

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.PLANNED);
    assertThat(report.lease()).isEmpty();
    assertThat(leases.log).isEmpty();
  }

  @Test
  void aPassHoldsTheLeaseWhileItUpdatesRenewsItAndGivesItBackAtTheEnd() {
    FakeCluster.Host a = updatable("a");
    a.drainTakes = Duration.ofMinutes(10);

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    assertThat(a.active).isEqualTo(NEW);
    assertThat(leases.log.get(0)).startsWith("take run-1 until ");
    assertThat(leases.log.stream().filter(l -> l.startsWith("renew run-1 until ")).count())
        .isGreaterThanOrEqualTo(5);
    assertThat(leases.log.get(leases.log.size() - 1)).isEqualTo("release run-1");
    assertThat(leases.lease(ARN)).isEmpty();
    assertThat(report.lease()).hasValueSatisfying(l -> assertThat(l.runId()).isEqualTo("run-1"));
  }

  @Test
  void aPassWhoseLeaseIsTakenStopsChangingAtOnce() {
    FakeCluster.Host a = updatable("a");
    a.drainTakes = Duration.ofMinutes(20);
    int[] changesWhenTaken = {-1};
    meanwhile =
        now -> {
          // The pass stalls past its lease, unseen, and another pass takes the cluster over.
          if (changesWhenTaken[0] < 0 && !now.isBefore(Scene.T0.plusSeconds(61))) {
            cluster.clock.advance(Duration.ofMinutes(7));
            Instant later = cluster.clock.instant();
            leases.hold(
                ARN, "run-other", "function f (manual invoke)", later, later.plusSeconds(360));
            changesWhenTaken[0] = cluster.changes().size();
          }
        };

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.LEASE_LOST);
    assertThat(report.error())
        .hasValueSatisfying(
            e ->
                assertThat(e)
                    .contains("was taken by function f (manual invoke) (run run-other")
                    .contains("the pass stopped changing anything at once"));
    assertThat(cluster.changes()).hasSize(changesWhenTaken[0]);
    assertThat(leases.lease(ARN).orElseThrow().owner()).isEqualTo("run-other");
  }

  @Test
  void aLeaseThatCannotBeRenewedStopsChangesBeforeItsLastThird() {
    FakeCluster.Host a = updatable("a");
    a.drainTakes = Duration.ofMinutes(20);
    leases.failTimes(
        "renew",
        new AwsFault(AwsFault.Kind.THROTTLED, "dynamodb:UpdateItem", "ThrottlingException", null),
        1000);
    int[] changesAtCutoff = {-1};
    meanwhile =
        now -> {
          if (changesAtCutoff[0] < 0 && !now.isBefore(Scene.T0.plus(Duration.ofMinutes(4)))) {
            changesAtCutoff[0] = cluster.changes().size();
          }
        };

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.LEASE_LOST);
    assertThat(report.error().orElseThrow()).contains("was not renewed before its last third");
    assertThat(report.finishedAt()).isBefore(Scene.T0.plus(Duration.ofMinutes(5)));
    assertThat(cluster.changes()).hasSize(changesAtCutoff[0]);
  }

  @Test
  void aThrottledTakeIsAskedAgainAndThePassGoesOnOnceItHoldsTheLease() {
    updatable("a");
    leases.failTimes(
        "take",
        new AwsFault(AwsFault.Kind.THROTTLED, "dynamodb:PutItem", "ThrottlingException", null),
        2);

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    assertThat(report.faults())
        .containsExactly(new PassReport.Fault("dynamodb:PutItem", "THROTTLED", 2));
    assertThat(cluster.host("a").active).isEqualTo(NEW);
  }

  @Test
  void aLeaseStoreThatStaysUnavailableEndsThePassWithoutAnyChangeAndSaysSo() {
    updatable("a");
    leases.failTimes(
        "take",
        new AwsFault(AwsFault.Kind.UNAVAILABLE, "dynamodb:PutItem", "HTTP 503", null),
        10_000);

    PassReport report = pass(PassOptions.DEFAULT, Duration.ofMinutes(3));

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.ERROR);
    assertThat(report.error().orElseThrow())
        .startsWith(
            "the cluster's lease could not be taken, so nothing was changed: dynamodb:PutItem"
                + " failed: HTTP 503");
    assertThat(cluster.changes()).isEmpty();
    assertThat(cluster.log).containsExactly("ecs:DescribeClusters");
  }

  @Test
  void aRefusedLeaseEndsThePassWithTheReasonBeforeAnyObservation() {
    updatable("a");
    leases.tables.clear();

    PassReport report = pass();

    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.ERROR);
    assertThat(report.error().orElseThrow())
        .startsWith("the lease table 'leases' (LEASE_TABLE) does not exist");
    assertThat(cluster.log).containsExactly("ecs:DescribeClusters");
  }
}
