package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rollout gates through the real SDK against the simulated endpoint: alarms, a change calendar,
 * the release soak and its expedite list, a version cap, promotion from a staging cluster, the bake
 * after each update and MAX_CONCURRENT as a share of the cluster.
 */
class RolloutGateScenariosTest {
  private static final List<String> HOSTS = List.of("br-1", "br-2", "br-3");

  /** When each host was set DRAINING and ACTIVE again, in order. */
  private static final class StatusLog implements ClusterObserver {
    record Change(String host, String status, Instant at) {}

    final List<Change> changes = Collections.synchronizedList(new ArrayList<>());
    final Set<String> outOfService = Collections.synchronizedSet(new HashSet<>());
    int mostOutOfService;
    Runnable onFirstReturn = () -> {};
    private boolean returned;

    @Override
    public void statusChanged(SimulatedCluster c, String host, String status, Instant at) {
      changes.add(new Change(host, status, at));
      if (status.equals("DRAINING")) {
        outOfService.add(host);
        mostOutOfService = Math.max(mostOutOfService, outOfService.size());
      } else if (outOfService.remove(host) && !returned) {
        returned = true;
        onFirstReturn.run();
      }
    }

    List<Change> of(String status) {
      synchronized (changes) {
        return changes.stream().filter(c -> c.status().equals(status)).toList();
      }
    }
  }

  private static StatusLog watch(Scenario s) {
    StatusLog log = new StatusLog();
    s.sim.cluster().addObserver(log);
    return log;
  }

  /** The gate's line in the report's gates object. */
  private static JsonNode gate(Scenario.Reply r, String name) {
    for (JsonNode g : r.report().path("gates").path("rolloutGates")) {
      if (g.path("gate").asText().equals(name)) {
        return g;
      }
    }
    throw new AssertionError("no gate " + name + " in " + r.report().toPrettyString());
  }

  private static void assertEveryHostWaits(Scenario s, Scenario.Reply r, String reason) {
    for (String host : HOSTS) {
      assertThat(r.line(s.ec2(host)).path("reason").asText()).as(host).isEqualTo(reason);
      assertThat(s.host(host).version()).as(host).isEqualTo(OLD);
    }
    assertThat(s.sim.cluster().hostCommandsSent())
        .noneMatch(c -> c.endsWith(":" + HostCommand.PREPARE.name()));
  }

  @Test
  void anAlarmThatGoesOffMidRolloutHoldsTheNextDrainUntilItIsOkAgain() {
    try (Scenario s =
        Scenario.start(Clusters.small(), Faults.none(61), Map.of("ALARM_NAMES", "HighErrors"))) {
      s.sim.cluster().alarms().set("HighErrors", Alarms.State.OK);
      StatusLog log = watch(s);
      List<Instant> alarmAt = new ArrayList<>();
      log.onFirstReturn =
          () -> {
            s.sim.cluster().alarms().set("HighErrors", Alarms.State.ALARM);
            alarmAt.add(s.sim.clock().instant());
          };

      Scenario.Reply last =
          s.invokeUntil(
              Scenario.SCHEDULED,
              r -> !alarmAt.isEmpty() && r.report().path("gates").has("rolloutGates"),
              20);
      for (int i = 0; i < 3; i++) {
        s.sim.advance(Scenario.TICK);
        last = s.invoke(Scenario.SCHEDULED);
      }
      Scenario.Reply held = last;

      assertThat(log.of("DRAINING")).hasSize(1);
      assertThat(gate(held, "ALARM_NAMES").path("holding").asBoolean()).isTrue();
      assertThat(gate(held, "ALARM_NAMES").path("detail").asText()).contains("HighErrors");
      long waiting =
          HOSTS.stream()
              .filter(h -> held.line(s.ec2(h)).path("reason").asText().equals("ALARM_NOT_OK"))
              .count();
      // The staged host waits for the alarm; the other may wait for the download slot it holds.
      assertThat(waiting).isPositive();

      s.sim.cluster().alarms().set("HighErrors", Alarms.State.OK);
      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(log.of("DRAINING")).hasSize(3);
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void eachDrainWaitsForTheBakeAfterTheLastUpdateWhileAServiceRecoversSlowly() {
    Duration bake = Duration.ofMinutes(5);
    Timing slowTasks =
        new Timing(
            Duration.ofMillis(300),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(90),
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            Duration.ofSeconds(40),
            Duration.ofSeconds(40),
            Duration.ofSeconds(10),
            Duration.ofMinutes(3),
            Duration.ofSeconds(20));
    try (Scenario s =
        Scenario.start(Clusters.small(), Faults.none(62), slowTasks, Map.of("BAKE_TIME", "5m"))) {
      StatusLog log = watch(s);

      Scenario.Reply last = s.invokeUntilSettled(Scenario.SCHEDULED);

      List<StatusLog.Change> drains = log.of("DRAINING");
      List<StatusLog.Change> returns = log.of("ACTIVE");
      assertThat(drains).hasSize(3);
      for (int i = 1; i < drains.size(); i++) {
        Instant back = returns.get(i - 1).at();
        assertThat(Duration.between(back, drains.get(i).at()))
            .as("drain %d after the return of %s", i + 1, returns.get(i - 1).host())
            .isGreaterThanOrEqualTo(bake);
      }
      assertThat(s.sim.cluster().tags()).containsKey("bottlerocket-ecs-updater:bake");
      assertThat(gate(last, "BAKE_TIME").path("holding").asBoolean()).isFalse();
      s.assertInvariantsHeld(Set.of());
    }
  }

  /** Three outdated hosts; {@value Clusters#NEW} is published when the scenario starts. */
  private static ClusterSpec freshRelease() {
    return ClusterSpec.named("demo")
        .withRelease(OLD)
        .withRelease(NEW, Duration.ZERO)
        .withHost(HostSpec.bottlerocket("br-1", OLD))
        .withHost(HostSpec.bottlerocket("br-2", OLD))
        .withHost(HostSpec.bottlerocket("br-3", OLD))
        .withService(ServiceSpec.replica("web", 3, 256, 512));
  }

  @Test
  void aReleaseTooYoungWaitsUntilItIsOldEnough() {
    try (Scenario s =
        Scenario.start(freshRelease(), Faults.none(63), Map.of("MIN_RELEASE_AGE", "1h"))) {
      Scenario.Reply young = s.invoke(Scenario.SCHEDULED);

      assertEveryHostWaits(s, young, "RELEASE_TOO_YOUNG");
      assertThat(young.line(s.ec2("br-1")).path("detail").asText())
          .contains(NEW)
          .contains("eligible after");
      assertThat(gate(young, "MIN_RELEASE_AGE").path("until").asText())
          .isEqualTo(Simulation.START.plus(Duration.ofHours(1)).toString());

      s.sim.advance(Duration.ofHours(1));
      s.invokeUntilSettled(Scenario.SCHEDULED);

      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void anExpeditedReleaseSkipsTheSoak() {
    try (Scenario s =
        Scenario.start(
            freshRelease(),
            Faults.none(64),
            Map.of("MIN_RELEASE_AGE", "7d", "EXPEDITE_VERSIONS", NEW))) {
      Instant start = s.sim.clock().instant();

      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(Duration.between(start, s.sim.clock().instant())).isLessThan(Duration.ofDays(1));
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void aVersionAboveMaxVersionIsNeverInstalled() {
    ClusterSpec spec = Clusters.small().withRelease("1.20.2");
    try (Scenario s = Scenario.start(spec, Faults.none(65), Map.of("MAX_VERSION", NEW))) {
      Scenario.Reply checked = s.invoke(Scenario.SCHEDULED);

      // Bottlerocket offers only its newest release, 1.20.2: the hosts stay where they are.
      assertEveryHostWaits(s, checked, "VERSION_ABOVE_MAX");
      assertThat(checked.line(s.ec2("br-1")).path("detail").asText()).contains("1.20.2");

      for (int i = 0; i < 20; i++) {
        s.sim.advance(Scenario.TICK);
        s.invoke(Scenario.SCHEDULED);
      }
      for (String host : HOSTS) {
        assertThat(s.host(host).version()).as(host).isEqualTo(OLD);
      }
      assertThat(s.sim.cluster().hostCommandsSent())
          .noneMatch(c -> c.endsWith(":" + HostCommand.PREPARE.name()));
      s.assertSafetyHeld();
    }
  }

  @Test
  void aClosedChangeCalendarHoldsEveryStartUntilItOpens() {
    try (Scenario s =
        Scenario.start(Clusters.small(), Faults.none(66), Map.of("CHANGE_CALENDARS", "freeze"))) {
      Instant now = s.sim.clock().instant();
      s.sim.cluster().calendars().define("freeze", Calendars.State.OPEN);
      s.sim.cluster().calendars().addEvent("freeze", now, now.plus(Duration.ofHours(2)));

      Scenario.Reply closed = s.invoke(Scenario.SCHEDULED);

      assertEveryHostWaits(s, closed, "CALENDAR_CLOSED");
      assertThat(gate(closed, "CHANGE_CALENDARS").path("until").asText())
          .isEqualTo(now.plus(Duration.ofHours(2)).toString());

      s.sim.advance(Duration.ofHours(2));
      s.invokeUntilSettled(Scenario.SCHEDULED);

      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void aQuarterOfEightHostsIsTwoAtATime() {
    ClusterSpec spec = Clusters.empty().withService(ServiceSpec.replica("web", 4, 256, 512));
    for (int i = 1; i <= 8; i++) {
      spec = spec.withHost(HostSpec.bottlerocket("br-" + i, OLD));
    }
    try (Scenario s = Scenario.start(spec, Faults.none(67), Map.of("MAX_CONCURRENT", "25%"))) {
      StatusLog log = watch(s);

      Scenario.Reply first = s.invoke(Scenario.SCHEDULED);
      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(first.report().path("gates").path("maxConcurrent").asInt()).isEqualTo(2);
      assertThat(first.report().path("gates").path("maxConcurrentSetting").asText())
          .isEqualTo("25%");
      assertThat(log.mostOutOfService).isEqualTo(2);
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void prodTakesOnlyWhatStagingQualifiedAndWaitsWhenOfferedANewerVersion() {
    Map<String, String> stagingTags;
    try (Scenario staging = Scenario.start(Clusters.small(), Faults.none(68))) {
      staging.invokeUntilSettled(Scenario.SCHEDULED);
      stagingTags = staging.sim.cluster().tags();
    }
    assertThat(stagingTags).containsKey("bottlerocket-ecs-updater:versions");
    Map<String, String> settings = Map.of("PROMOTE_FROM", "staging", "PROMOTE_SOAK", "1h");

    // Bottlerocket offers prod 1.20.2, which staging never ran: prod waits, and says which version
    // staging qualifies.
    try (Scenario prod =
        Scenario.start(Clusters.small().withRelease("1.20.2"), Faults.none(69), settings)) {
      prod.sim.cluster().addOtherCluster("staging", stagingTags);
      prod.sim.advance(Duration.ofHours(2));

      Scenario.Reply r = prod.invoke(Scenario.SCHEDULED);

      assertEveryHostWaits(prod, r, "NOT_PROMOTED");
      assertThat(r.line(prod.ec2("br-1")).path("detail").asText())
          .contains("has not run 1.20.2")
          .contains("staging qualifies " + NEW);
      prod.assertSafetyHeld();
    }

    // Offered 1.20.1: prod waits for the soak on staging, then takes it.
    try (Scenario prod = Scenario.start(Clusters.small(), Faults.none(70), settings)) {
      prod.sim.cluster().addOtherCluster("staging", stagingTags);

      Scenario.Reply soaking = prod.invoke(Scenario.SCHEDULED);

      assertEveryHostWaits(prod, soaking, "NOT_PROMOTED");
      assertThat(soaking.line(prod.ec2("br-1")).path("detail").asText()).contains("promoted after");

      prod.sim.advance(Duration.ofHours(2));
      prod.invokeUntilSettled(Scenario.SCHEDULED);

      prod.assertInvariantsHeld(Set.of());
    }
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> unreadableGates() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            "ALARM_NAMES",
            "NoSuchAlarm",
            "ALARM_NOT_OK",
            "ALARM_NAMES names alarms that do not exist: NoSuchAlarm"),
        org.junit.jupiter.params.provider.Arguments.of(
            "ALARM_PREFIX", "nothing-", "ALARM_NOT_OK", "ALARM_PREFIX 'nothing-' matches no alarm"),
        org.junit.jupiter.params.provider.Arguments.of(
            "CHANGE_CALENDARS",
            "no-such-calendar",
            "CALENDAR_CLOSED",
            "CHANGE_CALENDARS (no-such-calendar) cannot be read"),
        org.junit.jupiter.params.provider.Arguments.of(
            "PROMOTE_FROM", "no-such-cluster", "NOT_PROMOTED", "PROMOTE_FROM no-such-cluster"),
        org.junit.jupiter.params.provider.Arguments.of(
            "PROMOTE_FROM", "demo", "NOT_PROMOTED", "PROMOTE_FROM names this cluster itself"));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}={1}")
  @org.junit.jupiter.params.provider.MethodSource("unreadableGates")
  void aGateWhoseFactsCannotBeReadHoldsEveryStartAndSaysWhichSetting(
      String setting, String value, String reason, String problem) {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(71), Map.of(setting, value))) {
      Scenario.Reply r = s.invoke(Scenario.SCHEDULED);

      assertEveryHostWaits(s, r, reason);
      assertThat(r.report().path("gates").path("problems").toString()).contains(problem);
      assertThat(s.sim.endpoint().calls())
          .doesNotContainKeys("ecs:PutAttributes", "ecs:UpdateContainerInstancesState");
      s.assertSafetyHeld();
    }
  }

  @Test
  void anIdlePassReadsEachConfiguredGateOnceAndNothingElse() {
    ClusterSpec current =
        Clusters.empty()
            .withHost(HostSpec.bottlerocket("br-1", NEW))
            .withHost(HostSpec.bottlerocket("br-2", NEW))
            .withService(ServiceSpec.replica("web", 2, 256, 512));
    Map<String, String> gates =
        Map.of(
            "ALARM_NAMES", "HighErrors",
            "CHANGE_CALENDARS", "freeze",
            "PROMOTE_FROM", "staging",
            "MIN_RELEASE_AGE", "1d",
            "BAKE_TIME", "10m");
    try (Scenario s = Scenario.start(current, Faults.none(72), gates)) {
      s.sim.cluster().alarms().set("HighErrors", Alarms.State.OK);
      s.sim.cluster().calendars().define("freeze", Calendars.State.OPEN);
      s.sim.cluster().addOtherCluster("staging", Map.of());

      Scenario.Reply r = s.invoke(Scenario.SCHEDULED);

      assertThat(r.settled()).isTrue();
      Map<String, Long> calls = s.sim.endpoint().calls();
      assertThat(calls.get("cloudwatch:DescribeAlarms")).isEqualTo(1L);
      assertThat(calls.get("ssm:GetCalendarState")).isEqualTo(1L);
      // The cluster itself, and the staging cluster once.
      assertThat(calls.get("ecs:DescribeClusters")).isEqualTo(2L);
      // No host is offered a release, so no release date is needed.
      assertThat(calls).doesNotContainKey("ssm:GetParameters");
    }
  }

  @Test
  void theCanaryGoesAloneAndTheRestWaitForItsLongerBake() {
    Map<String, String> settings =
        Map.of(
            "MAX_CONCURRENT", "2",
            "BAKE_TIME", "2m",
            "CANARY_HOSTS", "1",
            "CANARY_BAKE_TIME", "10m");
    ClusterSpec spec = Clusters.small().withHost(HostSpec.bottlerocket("br-4", OLD));
    try (Scenario s = Scenario.start(spec, Faults.none(73), settings)) {
      StatusLog log = watch(s);

      s.invokeUntilSettled(Scenario.SCHEDULED);

      List<StatusLog.Change> drains = log.of("DRAINING");
      List<StatusLog.Change> returns = log.of("ACTIVE");
      assertThat(drains).hasSize(4);
      // The canary is out of service alone, and nothing drains until its bake is over.
      assertThat(drains.get(1).at()).isAfter(returns.get(0).at());
      assertThat(Duration.between(returns.get(0).at(), drains.get(1).at()))
          .isGreaterThanOrEqualTo(Duration.ofMinutes(10));
      s.assertInvariantsHeld(Set.of());
    }
  }
}
