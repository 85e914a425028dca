package io.github.bottlerocket.ecsupdater.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.FakeLeases;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lease's protocol against an in-memory table: when it is taken, renewed, lost, given back. */
class LeaseKeeperTest {
  private static final Duration LEASE = Duration.ofMinutes(6);
  private static final String ARN = FakeCluster.CLUSTER;

  private final FakeCluster cluster = new FakeCluster();
  private final FakeLeases leases = new FakeLeases();
  private final List<String> notes = new ArrayList<>();

  private LeaseKeeper keeper(LeaseKeeper.Tables tables) {
    return new LeaseKeeper(
        leases, cluster, cluster.clock, LEASE, tables, "function test (schedule)", notes::add);
  }

  private LeaseKeeper keeper() {
    return keeper(LeaseKeeper.Tables.setting(Optional.of("leases")));
  }

  private ClusterInfo clusterInfo() {
    return cluster.describeCluster(ARN);
  }

  private ClusterLease.Hold held(LeaseKeeper k, String runId) {
    ClusterLease.Claim c = k.claim(clusterInfo(), runId);
    assertThat(c).isInstanceOf(ClusterLease.Held.class);
    return ((ClusterLease.Held) c).hold();
  }

  private void advance(Duration d) {
    cluster.clock.advance(d);
  }

  @Test
  void aFreeClusterIsTakenWithAnExpiryOneLeaseAheadAndNamesItsTable() {
    Instant now = cluster.clock.instant();

    ClusterLease.Hold hold = held(keeper(), "run-1");

    assertThat(leases.lease(ARN))
        .hasValueSatisfying(
            l -> {
              assertThat(l.owner()).isEqualTo("run-1");
              assertThat(l.holder()).isEqualTo("function test (schedule)");
              assertThat(l.expiresAt()).isEqualTo(now.plus(LEASE));
            });
    assertThat(hold.status())
        .isEqualTo(
            new ClusterLease.LeaseStatus(
                "leases", "run-1", "function test (schedule)", now.plus(LEASE)));
    assertThat(cluster.tags).containsEntry(StateAttributes.LEASE_TABLE_TAG, "leases");
  }

  @Test
  void aClusterAnotherPassHoldsIsBusyWithItsHolderAndExpiryAndNothingIsWritten() {
    Instant until = cluster.clock.instant().plusSeconds(90);
    leases.hold(ARN, "run-other", "runner alice@laptop (pid 7)", Scene.T0, until);

    ClusterLease.Claim c = keeper().claim(clusterInfo(), "run-1");

    assertThat(c)
        .isEqualTo(
            new ClusterLease.Busy(
                new ClusterLease.LeaseStatus(
                    "leases", "run-other", "runner alice@laptop (pid 7)", until)));
    assertThat(leases.lease(ARN).orElseThrow().owner()).isEqualTo("run-other");
    assertThat(cluster.changes()).isEmpty();
    assertThat(cluster.tags).doesNotContainKey(StateAttributes.LEASE_TABLE_TAG);
  }

  @Test
  void aLeaseThatExpiredIsTakenOver() {
    leases.hold(ARN, "run-crashed", "function x", Scene.T0, Scene.T0.plusSeconds(10));
    advance(Duration.ofSeconds(11));

    held(keeper(), "run-1");

    assertThat(leases.lease(ARN).orElseThrow().owner()).isEqualTo("run-1");
  }

  @Test
  void aRetriedTakeOfTheSamePassWins() {
    Instant now = cluster.clock.instant();
    leases.hold(ARN, "run-1", "function test", now, now.plus(LEASE));

    held(keeper(), "run-1");
  }

  @Test
  void theHoldRenewsOnlyOnceAThirdOfTheLeaseHasPassed() {
    Instant start = cluster.clock.instant();
    ClusterLease.Hold hold = held(keeper(), "run-1");
    leases.log.clear();

    advance(Duration.ofMinutes(2).minusMillis(1));
    hold.keep();
    assertThat(leases.log).isEmpty();
    assertThat(hold.renewIn()).isEqualTo(Duration.ofMillis(1));

    advance(Duration.ofMillis(1));
    hold.keep();

    Instant renewedAt = start.plus(Duration.ofMinutes(2));
    assertThat(leases.log).containsExactly("renew run-1 until " + renewedAt.plus(LEASE));
    assertThat(hold.status().expiresAt()).isEqualTo(renewedAt.plus(LEASE));
    assertThat(hold.renewIn()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aRenewalThatFindsTheLeaseTakenStopsEveryChangeAtOnce() {
    ClusterLease.Hold hold = held(keeper(), "run-1");
    EcsPort ecs = hold.guard((EcsPort) cluster);
    // The lease lapsed unseen (the pass stalled) and another pass took it.
    advance(LEASE.plusSeconds(1));
    leases.hold(
        ARN,
        "run-2",
        "function test (manual invoke)",
        cluster.clock.instant(),
        Scene.T0.plus(LEASE.multipliedBy(3)));

    assertThatThrownBy(hold::keep)
        .isInstanceOf(ClusterLease.LostException.class)
        .hasMessageContaining("was taken by function test (manual invoke) (run run-2");
    assertThatThrownBy(
            () -> ecs.updateInstancesState(ARN, List.of(Scene.arn("a")), InstanceStatus.DRAINING))
        .isInstanceOf(ClusterLease.LostException.class);
    assertThat(cluster.changes()).isEmpty();
    hold.release();
    assertThat(leases.lease(ARN).orElseThrow().owner()).isEqualTo("run-2");
  }

  @Test
  void aThrottledRenewalKeepsThePassGoingOnlyWhileTheLeaseIsInItsFirstTwoThirds() {
    ClusterLease.Hold hold = held(keeper(), "run-1");
    AwsFault throttled =
        new AwsFault(AwsFault.Kind.THROTTLED, "dynamodb:UpdateItem", "ThrottlingException", null);
    leases.failTimes("renew", throttled, 100);
    leases.log.clear();

    advance(Duration.ofMinutes(2));
    hold.keep();
    // Tried again a twelfth of the lease later, not at every call in between.
    advance(Duration.ofSeconds(29));
    hold.keep();
    advance(Duration.ofSeconds(1));
    hold.keep();
    assertThat(leases.log).containsExactly("renew -> THROTTLED", "renew -> THROTTLED");

    advance(Duration.ofMinutes(2).minusSeconds(30).minusMillis(1));
    hold.keep();
    advance(Duration.ofMillis(1));
    assertThatThrownBy(hold::keep)
        .isInstanceOf(ClusterLease.LostException.class)
        .hasMessageContaining("was not renewed before its last third began")
        .hasMessageContaining("ThrottlingException");
  }

  @Test
  void aThrottledRenewalThatSucceedsLaterKeepsTheLease() {
    ClusterLease.Hold hold = held(keeper(), "run-1");
    leases.failTimes(
        "renew",
        new AwsFault(AwsFault.Kind.UNAVAILABLE, "dynamodb:UpdateItem", "HTTP 500", null),
        1);

    advance(Duration.ofMinutes(2));
    hold.keep();
    advance(Duration.ofSeconds(30));
    hold.keep();

    assertThat(hold.status().expiresAt())
        .isEqualTo(Scene.T0.plus(Duration.ofSeconds(150)).plus(LEASE));
  }

  @Test
  void aRenewalAwsRefusesForGoodLosesTheLease() {
    ClusterLease.Hold hold = held(keeper(), "run-1");
    leases.failTimes(
        "renew",
        new AwsFault(AwsFault.Kind.ACCESS_DENIED, "dynamodb:UpdateItem", "AccessDenied", null),
        1);

    advance(Duration.ofMinutes(2));

    assertThatThrownBy(hold::keep)
        .isInstanceOf(ClusterLease.LostException.class)
        .hasMessageContaining("renewing the lease on " + ARN + " in 'leases' failed");
  }

  @Test
  void releaseGivesBackOnlyTheOwnLeaseAndEndsTheHold() {
    ClusterLease.Hold hold = held(keeper(), "run-1");

    hold.release();

    assertThat(leases.lease(ARN)).isEmpty();
    assertThatThrownBy(hold::keep).isInstanceOf(ClusterLease.LostException.class);
  }

  @Test
  void aReleaseThatFailsLeavesTheLeaseToLapseAndDoesNotThrow() {
    ClusterLease.Hold hold = held(keeper(), "run-1");
    leases.failTimes(
        "release",
        new AwsFault(AwsFault.Kind.UNAVAILABLE, "dynamodb:DeleteItem", "HTTP 503", null),
        1);

    hold.release();

    assertThat(leases.lease(ARN)).isPresent();
  }

  @Test
  void theGuardedPortsKeepTheLeaseBeforeEveryChangeAndPassReadsThrough() {
    ClusterLease.Hold hold = held(keeper(), "run-1");
    cluster.host("a");
    EcsPort ecs = hold.guard((EcsPort) cluster);
    SsmPort ssm = hold.guard((SsmPort) cluster);
    leases.log.clear();
    advance(Duration.ofMinutes(2));

    ecs.listContainerInstances(ARN);
    ssm.sendCommand(HostCommand.CHECK, List.of(Scene.ec2("a")), "check");
    ssm.sendCommand(HostCommand.STATUS, List.of(Scene.ec2("a")), "status");
    assertThat(leases.log).isEmpty();

    ssm.sendCommand(HostCommand.PREPARE, List.of(Scene.ec2("a")), "prepare");
    assertThat(leases.log).hasSize(1).allMatch(l -> l.startsWith("renew run-1"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(classes = {EcsPort.class, SsmPort.class})
  void theGuardedPortsDelegateEveryMethodOfTheirPort(Class<?> port) {
    Class<?> guard = port == EcsPort.class ? GuardedPorts.Ecs.class : GuardedPorts.Ssm.class;
    for (Method m : port.getMethods()) {
      if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      // A method the guard inherits (a default) would bypass the port it wraps.
      assertThat(
              Arrays.stream(guard.getDeclaredMethods())
                  .anyMatch(
                      g ->
                          g.getName().equals(m.getName())
                              && Arrays.equals(g.getParameterTypes(), m.getParameterTypes())))
          .as("%s overrides %s", guard.getSimpleName(), m.getName())
          .isTrue();
    }
  }

  @Test
  void theTableTheClusterNamesIsUsedWhenNoneIsConfigured() {
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "leases");

    held(keeper(LeaseKeeper.Tables.setting(Optional.empty())), "run-1");

    assertThat(leases.lease(ARN)).isPresent();
  }

  @Test
  void aConfiguredTableOtherThanTheClustersIsRefusedAndNothingIsWritten() {
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "other-stack-leases");

    ClusterLease.Claim c = keeper().claim(clusterInfo(), "run-1");

    assertThat(c).isInstanceOf(ClusterLease.Refused.class);
    assertThat(((ClusterLease.Refused) c).why())
        .isEqualTo(
            "cluster '"
                + ARN
                + "' names the lease table 'other-stack-leases' in its tag"
                + " bottlerocket-ecs-updater:lease-table, but LEASE_TABLE is 'leases': passes that"
                + " take their leases in two tables do not keep each other out, so nothing was"
                + " changed. Use 'other-stack-leases'; or, if no updater uses that table any more,"
                + " delete the tag (aws ecs untag-resource --resource-arn "
                + ARN
                + " --tag-keys bottlerocket-ecs-updater:lease-table)");
    assertThat(leases.log).isEmpty();
  }

  @Test
  void withoutATableAnywhereThePassRunsUnleasedAndSaysSo() {
    ClusterLease.Claim c =
        keeper(LeaseKeeper.Tables.setting(Optional.empty())).claim(clusterInfo(), "run-1");

    assertThat(c).isInstanceOf(ClusterLease.Unleased.class);
    assertThat(notes)
        .containsExactly(
            "no lease: LEASE_TABLE is empty and the cluster carries no tag"
                + " bottlerocket-ecs-updater:lease-table naming a lease table, so nothing keeps"
                + " another pass out of prod");
  }

  @Test
  void noLeaseWarnsWhenTheClusterNamesATable() {
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "leases");

    ClusterLease.Claim c =
        keeper(new LeaseKeeper.Tables(Optional.empty(), "--no-lease", true, ""))
            .claim(clusterInfo(), "run-1");

    assertThat(c).isInstanceOf(ClusterLease.Unleased.class);
    assertThat(notes)
        .containsExactly(
            "--no-lease: the cluster names the lease table 'leases' (tag"
                + " bottlerocket-ecs-updater:lease-table), but this pass takes no lease; nothing"
                + " keeps another pass out");
    assertThat(leases.log).isEmpty();
  }

  @Test
  void aTableThatDoesNotExistIsRefusedNamingItAndTheFix() {
    ClusterLease.Claim c =
        keeper(LeaseKeeper.Tables.setting(Optional.of("lease"))).claim(clusterInfo(), "run-1");

    assertThat(((ClusterLease.Refused) c).why())
        .startsWith(
            "the lease table 'lease' (LEASE_TABLE) does not exist in this account and region, so"
                + " nothing was changed. Create it (the stack does, with the string partition key"
                + " clusterArn), or name the right table. (dynamodb:PutItem failed:");
    assertThat(cluster.changes()).isEmpty();
  }

  @Test
  void aTableTheCredentialsMayNotWriteIsRefusedNamingThePermissions() {
    leases.failTimes(
        "take",
        new AwsFault(
            AwsFault.Kind.ACCESS_DENIED,
            "dynamodb:PutItem",
            "AccessDeniedException: not authorized to perform: dynamodb:PutItem",
            null),
        1);

    ClusterLease.Claim c = keeper().claim(clusterInfo(), "run-1");

    assertThat(((ClusterLease.Refused) c).why())
        .startsWith(
            "the lease table 'leases' (LEASE_TABLE) may not be written with these credentials, so"
                + " nothing was changed. Allow dynamodb:PutItem, dynamodb:UpdateItem and"
                + " dynamodb:DeleteItem on it (the stack grants them to its function).");
  }

  @Test
  void aThrottledTakeIsThrownForThePassToWaitAndAskAgain() {
    AwsFault throttled =
        new AwsFault(AwsFault.Kind.THROTTLED, "dynamodb:PutItem", "ThrottlingException", null);
    leases.failTimes("take", throttled, 1);

    assertThatThrownBy(() -> keeper().claim(clusterInfo(), "run-1")).isSameAs(throttled);
  }

  @Test
  void aTagThatCannotBeWrittenDoesNotStopThePass() {
    cluster.faults.put(
        "ecs:TagResource",
        new AwsFault(AwsFault.Kind.ACCESS_DENIED, "ecs:TagResource", "AccessDenied", null));

    held(keeper(), "run-1");

    assertThat(leases.lease(ARN)).isPresent();
  }

  @Test
  void aBusyReportSaysWhoHoldsTheClusterUntilWhen() {
    assertThat(
            LeaseKeeper.busy(
                new ClusterLease.LeaseStatus(
                    "leases", "run-9", "function f (schedule, request r)", Scene.T0)))
        .isEqualTo(
            "the cluster is being changed by function f (schedule, request r) (run run-9), whose"
                + " lease in 'leases' lasts until "
                + Scene.T0
                + "; nothing was changed");
  }

  @Test
  void theTableOfTheConfiguredLeaseIsNotWrittenAgainWhenTheClusterNamesIt() {
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "leases");

    held(keeper(), "run-1");

    assertThat(cluster.log).noneMatch(l -> l.startsWith("ecs:TagResource"));
    assertThat(Map.copyOf(cluster.tags)).containsEntry(StateAttributes.LEASE_TABLE_TAG, "leases");
  }
}
