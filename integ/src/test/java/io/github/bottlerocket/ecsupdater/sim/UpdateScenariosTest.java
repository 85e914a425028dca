package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Updates that should go through: the real updater, through both entry points, on a mixed cluster.
 */
class UpdateScenariosTest {

  /** How a scenario drives the updater. */
  enum Entry {
    /** {@code UpdaterHandler.handleRequest} with the schedule's payload, once per tick. */
    LAMBDA_HANDLER,
    /** {@code Main.run} with {@code --until-done}. */
    COMMAND_LINE
  }

  private static final Set<String> STANDALONE_HOST = Set.of("br-4");

  private static void runToTheEnd(Scenario s, Entry entry) {
    switch (entry) {
      case LAMBDA_HANDLER -> s.invokeUntilSettled(Scenario.SCHEDULED);
      case COMMAND_LINE -> {
        Scenario.CommandLine run =
            s.commandLine("--cluster", "demo", "--until-done", "--tick", "2m");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      }
    }
  }

  @ParameterizedTest(name = "through the {0}")
  @EnumSource(Entry.class)
  void everyOutdatedBottlerocketHostEndsActiveOnTheNewestVersion(Entry entry) {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(1))) {
      runToTheEnd(s, entry);

      for (String host : List.of("br-1", "br-2", "br-3", "br-5")) {
        assertThat(s.host(host).version()).as(host).isEqualTo(NEW);
        assertThat(s.host(host).status()).as(host).isEqualTo("ACTIVE");
        assertThat(s.host(host).attributes())
            .as(host)
            .doesNotContainKeys(StateAttributes.STATE, StateAttributes.FAILURE);
      }
      s.assertInvariantsHeld(STANDALONE_HOST);
    }
  }

  @ParameterizedTest(name = "through the {0}")
  @EnumSource(Entry.class)
  void eachOutdatedHostIsRebootedExactlyOnceAndNoOtherHostAtAll(Entry entry) {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(2))) {
      runToTheEnd(s, entry);

      Map<String, Integer> reboots =
          Map.of("br-1", 1, "br-2", 1, "br-3", 0, "br-4", 0, "al-1", 0, "br-5", 1);
      reboots.forEach((host, n) -> assertThat(s.host(host).reboots()).as(host).isEqualTo(n));
      s.assertSafetyHeld();
    }
  }

  @Test
  void whenSsmRunsTheInterruptedRebootAgainTheGuardRefusesAndEachHostRebootsOnce() {
    try (Scenario s =
        Scenario.start(Clusters.small(), Faults.none(17).withInterruptedCommandsRunAgain())) {
      s.invokeUntilSettled(Scenario.SCHEDULED);

      long refusedReruns =
          s.sim.cluster().commands.values().stream()
              .filter(c -> c.hostCommand.orElse(null) == HostCommand.REBOOT)
              .flatMap(c -> c.invocations.stream())
              .filter(i -> i.status == SsmCommand.Status.FAILED)
              .count();
      assertThat(refusedReruns).isEqualTo(3);
      for (String host : List.of("br-1", "br-2", "br-3")) {
        assertThat(s.host(host).reboots()).as(host).isEqualTo(1);
      }
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void theHostWithAStandaloneTaskIsLeftAloneWithItsReason() {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(3))) {
      Scenario.Reply last = s.invokeUntilSettled(Scenario.MANUAL);

      assertThat(last.line(s.ec2("br-4")).path("reason").asText()).isEqualTo("STANDALONE_TASKS");
      assertThat(s.host("br-4").version()).isEqualTo(OLD);
      assertThat(s.host("br-4").runningTasks()).contains("family:nightly-report");
      s.assertInvariantsHeld(STANDALONE_HOST);
    }
  }

  @Test
  void theHostThatIsNotBottlerocketGetsNoHostCommand() {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(4))) {
      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(s.sim.cluster().hostCommandsSent()).noneMatch(c -> c.startsWith("al-1:"));
      assertThat(s.host("al-1").attributes()).isEmpty();
    }
  }

  @Test
  void withTheUpdatersOwnSsmDocumentsEveryOutdatedHostEndsCurrent() {
    try (Scenario s =
        Scenario.start(
            Clusters.mixed().withSsmDocumentPrefix("BottlerocketUpdater-"), Faults.none(13))) {
      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(s.sim.cluster().hostCommandsSent())
          .isNotEmpty()
          .noneMatch(c -> c.endsWith("UNRECOGNISED"));
      s.assertInvariantsHeld(STANDALONE_HOST);
    }
  }

  @Test
  void theHandlerPublishesAPhaseChangeEventForEachStepOfAnUpdate() {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(12))) {
      s.invokeUntilSettled(Scenario.SCHEDULED);

      List<String> phaseEvents =
          s.sim.cluster().publishedEvents().stream()
              .filter(e -> e.contains("Bottlerocket Update Phase Changed"))
              .toList();
      // Each of the three updates passes through STAGING, STAGED, DRAINING, ACTIVATING, REBOOTING,
      // VERIFYING and back to idle.
      assertThat(
              phaseEvents.stream().filter(e -> e.contains(s.host("br-1").containerInstanceArn())))
          .hasSizeGreaterThanOrEqualTo(7);
    }
  }

  @Test
  void theRunnerPrintsEveryPhaseOfAnUpdateWithItsTime() {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(5))) {
      Scenario.CommandLine run = s.commandLine("--cluster", "demo", "--until-done", "--tick", "2m");

      String id = s.ec2("br-1");
      List<String> lines = run.out().lines().filter(l -> l.contains(id)).toList();
      assertThat(lines)
          .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d .*IDLE +-> STAGING .*"))
          .anyMatch(l -> l.contains("STAGING    -> STAGED"))
          .anyMatch(l -> l.contains("STAGED     -> DRAINING"))
          .anyMatch(l -> l.contains("DRAINING   -> ACTIVATING"))
          .anyMatch(l -> l.contains("ACTIVATING -> REBOOTING"))
          .anyMatch(l -> l.contains("REBOOTING  -> VERIFYING"))
          .anyMatch(l -> l.contains("VERIFYING  -> IDLE") && l.contains("running " + NEW));
      assertThat(run.out()).contains("Report for " + s.sim.cluster().arn());
    }
  }

  @Test
  void hostsOutsideTheirWaveAreUpToDateUntilTheWaveComes() {
    ClusterSpec spec =
        ClusterSpec.named("demo")
            .withRelease(OLD)
            .withRelease(NEW, Duration.ZERO)
            .withHost(HostSpec.bottlerocket("br-1", OLD))
            .withHost(HostSpec.bottlerocket("br-2", OLD).inWave(Duration.ofHours(3)))
            .withService(ServiceSpec.replica("web", 2, 256, 512));
    try (Scenario s = Scenario.start(spec, Faults.none(6))) {
      Scenario.Reply last = s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(s.host("br-1").version()).isEqualTo(NEW);
      assertThat(s.host("br-2").version()).isEqualTo(OLD);
      assertThat(last.line(s.ec2("br-2")).path("outcome").asText()).isEqualTo("UP_TO_DATE");
      s.assertInvariantsHeld(Set.of("br-2"));
    }
  }

  @Test
  void hostsInALaterWaveAreUpdatedOnceItComes() {
    ClusterSpec spec =
        ClusterSpec.named("demo")
            .withRelease(OLD)
            .withRelease(NEW, Duration.ZERO)
            .withHost(HostSpec.bottlerocket("br-1", OLD))
            .withHost(HostSpec.bottlerocket("br-2", OLD).inWave(Duration.ofHours(3)))
            .withService(ServiceSpec.replica("web", 2, 256, 512));
    try (Scenario s = Scenario.start(spec, Faults.none(7))) {
      s.invokeUntilSettled(Scenario.SCHEDULED);
      s.sim.advance(Duration.ofHours(3));
      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(s.host("br-2").version()).isEqualTo(NEW);
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void aReleasePublishedDuringTheRunIsWhereEveryHostEnds() {
    ClusterSpec spec = Clusters.small().withRelease("1.20.2", Duration.ofMinutes(3));
    try (Scenario s = Scenario.start(spec, Faults.none(16), Map.of("CHECK_INTERVAL", "5m"))) {
      s.invokeUntil(
          Scenario.SCHEDULED,
          r ->
              r.settled()
                  && List.of("br-1", "br-2", "br-3").stream()
                      .allMatch(h -> s.host(h).version().equals("1.20.2")),
          60);

      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void withMaxConcurrentTwoTwoHostsAreOutOfServiceAtOnceButNeverMore() {
    try (Scenario s =
        Scenario.start(Clusters.mixed(), Faults.none(8), Map.of("MAX_CONCURRENT", "2"))) {
      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(s.sim.invariants().mostOutOfService()).isEqualTo(2);
      s.assertInvariantsHeld(STANDALONE_HOST);
    }
  }

  static Stream<Arguments> noisyAws() {
    return Stream.of(
        Arguments.of(
            "20% of calls throttled", Faults.none(9).withThrottling(0.2), "ThrottlingException"),
        Arguments.of(
            "10% of calls failing with a 5xx",
            Faults.none(14).withServerErrors(0.1), "ServerException"),
        Arguments.of(
            "calls taking up to 3s", Faults.none(15).withLatency(Duration.ofSeconds(3)), ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noisyAws")
  void anUnreliableAwsSlowsTheUpdateButEveryHostEndsCurrent(
      String name, Faults faults, String errorSeen) {
    try (Scenario s = Scenario.startWithScaledBackoff(Clusters.mixed(), faults)) {
      s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(s.sim.endpoint().calls().keySet()).anyMatch(k -> k.endsWith(errorSeen));
      s.assertInvariantsHeld(STANDALONE_HOST);
    }
  }

  @Test
  void aDownloadThatFailsOnceIsRetriedAfterTheBackOffAndCompletes() {
    try (Scenario s =
        Scenario.start(Clusters.small(), Faults.none(10).withPrepareFailures("br-1", 1))) {
      s.invokeUntil(
          Scenario.SCHEDULED, r -> r.settled() && s.host("br-1").version().equals(NEW), 60);

      assertThat(s.commandsSent("br-1", "PREPARE")).isEqualTo(2);
      assertThat(s.log()).contains("\"reason\":\"STAGE_FAILED\"");
      assertThat(s.host("br-1").attributes()).doesNotContainKey(StateAttributes.FAILURE);
      s.assertInvariantsHeld(Set.of());
    }
  }

  @ParameterizedTest(name = "seed {0}, {1} of status output garbled or empty")
  @CsvSource({"11, 0.3", "11, 0.4", "13, 0.4"})
  void garbledOrEmptyHostOutputDelaysHostsButFailsNone(int seed, double fraction) {
    try (Scenario s =
        Scenario.start(
            Clusters.small(),
            Faults.none(seed).withGarbledOutput(fraction),
            Map.of("CHECK_INTERVAL", "4m", "RETRY_BACKOFF", "30d", "RETRY_BACKOFF_MAX", "30d"))) {
      FailureWatch failures = FailureWatch.on(s.sim.cluster());
      s.invokeUntil(
          Scenario.SCHEDULED,
          r ->
              r.settled()
                  && List.of("br-1", "br-2", "br-3").stream()
                      .allMatch(h -> s.host(h).version().equals(NEW)),
          80);

      // A check that failed (CHECK_FAILED) is retried; no host that was being updated is failed.
      assertThat(failures.seen()).allMatch(f -> f.reason().equals("CHECK_FAILED"));
      s.assertInvariantsHeld(Set.of());
    }
  }
}
