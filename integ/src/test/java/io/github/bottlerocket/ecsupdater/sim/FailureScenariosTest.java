package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Updates that go wrong on the host or in ECS, and what the updater leaves behind. */
class FailureScenariosTest {

  /** Runs ticks until br-1 carries a failure record, then a few more, as the schedule would. */
  private static Scenario.Reply untilBr1Failed(Scenario s) {
    s.invokeUntil(
        Scenario.SCHEDULED,
        r -> s.host("br-1").attributes().containsKey(StateAttributes.FAILURE),
        60);
    Scenario.Reply last = null;
    for (int i = 0; i < 5; i++) {
      s.sim.advance(Scenario.TICK);
      last = s.invoke(Scenario.SCHEDULED);
    }
    return last;
  }

  private static String failureReason(Scenario s, String host) {
    String value = s.host(host).attributes().get(StateAttributes.FAILURE);
    return value == null ? "" : StateAttributes.decodeFailure(value).reason().name();
  }

  @Test
  void aHostThatFallsBackToTheOldVersionIsSetActiveAndMarkedRolledBack() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(21).withBadBoot("br-1"))) {
      untilBr1Failed(s);

      assertThat(s.host("br-1").version()).isEqualTo(OLD);
      assertThat(s.host("br-1").status()).isEqualTo("ACTIVE");
      assertThat(failureReason(s, "br-1")).isEqualTo("ROLLED_BACK");
      s.assertSafetyHeld();
    }
  }

  @Test
  void afterARollBackTheCircuitBreakerKeepsEveryOtherHostInService() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(22).withBadBoot("br-1"))) {
      Scenario.Reply last = untilBr1Failed(s);

      for (String host : List.of("br-2", "br-3")) {
        assertThat(s.host(host).reboots()).as(host).isZero();
        assertThat(last.line(s.ec2(host)).path("reason").asText())
            .as(host)
            .isEqualTo("CIRCUIT_BREAKER_OPEN");
      }
      s.assertInvariantsHeld(Set.of("br-2", "br-3"));
    }
  }

  @Test
  void aHostThatNeverReturnsStaysDrainingWithItsFailureRecorded() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(23).withNeverReturns("br-1"))) {
      untilBr1Failed(s);

      assertThat(s.host("br-1").status()).isEqualTo("DRAINING");
      assertThat(s.host("br-1").agentConnected()).isFalse();
      assertThat(failureReason(s, "br-1")).isEqualTo("REBOOT_TIMEOUT");
      assertThat(s.host("br-1").attributes()).containsKey(StateAttributes.STATE);
      s.assertSafetyHeld();
    }
  }

  @Test
  void whileAHostHasNotReturnedNoOtherHostIsDrained() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(24).withNeverReturns("br-1"))) {
      untilBr1Failed(s);

      assertThat(s.host("br-2").reboots()).isZero();
      assertThat(s.host("br-3").reboots()).isZero();
      s.assertInvariantsHeld(Set.of("br-2", "br-3"));
    }
  }

  @Test
  void aHostThatReturnsAfterRebootTimeoutIsVerifiedAndSetActiveButItsFailureStaysForAnOperator() {
    // REBOOT_TIMEOUT is 5m in the simulation's settings; this host's boot takes 8m longer than
    // usual.
    try (Scenario s =
        Scenario.start(
            Clusters.small(), Faults.none(30).withSlowBoot("br-1", Duration.ofMinutes(8)))) {
      untilBr1Failed(s);
      s.invokeUntil(Scenario.SCHEDULED, r -> s.host("br-1").status().equals("ACTIVE"), 20);

      assertThat(s.host("br-1").version()).isEqualTo(NEW);
      assertThat(s.host("br-1").attributes()).doesNotContainKey(StateAttributes.STATE);
      assertThat(failureReason(s, "br-1")).isEqualTo("REBOOT_TIMEOUT");
      s.assertInvariantsHeld(Set.of("br-2", "br-3"));
    }
  }

  /** Two hosts that cannot take each other's tasks: 3 tasks of 1 GiB on two 2 GiB hosts. */
  private static ClusterSpec full() {
    return Clusters.empty()
        .withHost(HostSpec.bottlerocket("br-1", OLD).withResources(1024, 2048))
        .withHost(HostSpec.bottlerocket("br-2", OLD).withResources(1024, 2048))
        .withService(ServiceSpec.replica("web", 3, 256, 1024));
  }

  @Test
  void withoutSpareCapacityNoHostIsDrained() {
    try (Scenario s = Scenario.start(full(), Faults.none(25))) {
      Scenario.CommandLine run =
          s.commandLine("--cluster", "demo", "--until-done", "--tick", "2m", "--max-passes", "10");

      assertThat(s.sim.invariants().mostOutOfService()).isZero();
      assertThat(run.out()).contains("INSUFFICIENT_CAPACITY");
      s.assertSafetyHeld();
    }
  }

  @Test
  void withoutSpareCapacityTheRunnerStopsAndSaysItDidNotFinish() {
    try (Scenario s = Scenario.start(full(), Faults.none(26))) {
      Scenario.CommandLine run =
          s.commandLine("--cluster", "demo", "--until-done", "--tick", "2m", "--max-passes", "10");

      assertThat(run.exitCode()).as(run.out()).isEqualTo(3);
      assertThat(s.host("br-1").version()).isEqualTo(OLD);
      assertThat(s.host("br-2").version()).isEqualTo(OLD);
    }
  }

  static Stream<Arguments> drains() {
    return Stream.of(
        Arguments.of(
            "slow drain within DRAIN_TIMEOUT",
            Faults.none(27).withExtraStopTime(Duration.ofMinutes(3)),
            NEW,
            ""),
        Arguments.of(
            "drain slower than DRAIN_TIMEOUT",
            Faults.none(28).withExtraStopTime(Duration.ofMinutes(15)),
            OLD,
            "DRAIN_TIMEOUT"),
        Arguments.of(
            "drain ECS cannot complete",
            Faults.none(29).withBlockedDrain("br-1"),
            OLD,
            "DRAIN_TIMEOUT"));
  }

  @ParameterizedTest(name = "{0}: br-1 ends on {2}, failure ''{3}''")
  @MethodSource("drains")
  void aDrainEitherCompletesOrTheHostReturnsToServiceWithItsFailure(
      String name, Faults faults, String version, String failure) {
    try (Scenario s = Scenario.start(Clusters.small(), faults)) {
      s.invokeUntil(
          Scenario.SCHEDULED, r -> r.settled() || !failureReason(s, "br-1").isEmpty(), 60);

      assertThat(s.host("br-1").version()).isEqualTo(version);
      assertThat(s.host("br-1").status()).isEqualTo("ACTIVE");
      assertThat(failureReason(s, "br-1")).isEqualTo(failure);
      s.assertSafetyHeld();
    }
  }
}
