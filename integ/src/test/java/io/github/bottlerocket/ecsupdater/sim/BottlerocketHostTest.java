package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.host.StatusParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulated host against Bottlerocket's update state machine and apiclient's real output (the
 * fixtures in {@code lambda/src/test/resources/apiclient}).
 */
class BottlerocketHostTest {
  private static final Instant T0 = Simulation.START;
  private static final Timing TIMING = Timing.defaults();
  private static final Path FIXTURES =
      Path.of("..", "lambda", "src", "test", "resources", "apiclient");

  /** A host brought into {@code state}, at the time {@link #after} returns. */
  private record Prepared(BottlerocketHost host, Instant now) {}

  private static Prepared host(String state) {
    UpdateRepository repo = new UpdateRepository();
    repo.publish(Clusters.OLD, T0.minus(Duration.ofDays(2)));
    repo.publish(Clusters.NEW, T0.minus(Duration.ofDays(1)));
    boolean current = state.equals("Idle");
    BottlerocketHost h =
        new BottlerocketHost(
            "aws-ecs-2", current ? Clusters.NEW : Clusters.OLD, Duration.ZERO, repo, TIMING, 0);
    Instant now = T0;
    if (state.equals("uninitialized")) {
      return new Prepared(h, now);
    }
    h.refresh(now);
    if (state.equals("Staged") || state.equals("Ready")) {
      h.prepare(now);
      now = now.plus(TIMING.download());
    }
    if (state.equals("Ready")) {
      h.activate(now);
      now = now.plus(TIMING.activation());
    }
    return new Prepared(h, now);
  }

  private static String state(BottlerocketHost h, Instant now) {
    BottlerocketHost.Answer a = h.status(now);
    return a.ok()
        ? a.body().replaceAll(".*\"update_state\":\"(\\w+)\".*", "$1")
        : "HTTP " + a.code();
  }

  static Stream<Arguments> stateMachine() {
    BiFunction<BottlerocketHost, Instant, BottlerocketHost.Answer> refresh =
        BottlerocketHost::refresh;
    BiFunction<BottlerocketHost, Instant, BottlerocketHost.Answer> prepare =
        BottlerocketHost::prepare;
    BiFunction<BottlerocketHost, Instant, BottlerocketHost.Answer> activate =
        BottlerocketHost::activate;
    BiFunction<BottlerocketHost, Instant, BottlerocketHost.Answer> deactivate =
        BottlerocketHost::deactivate;
    return Stream.of(
        Arguments.of("Idle", "refresh", refresh, 204, "Idle"),
        Arguments.of("Idle", "prepare", prepare, 409, "Idle"),
        Arguments.of("Idle", "activate", activate, 409, "Idle"),
        Arguments.of("Idle", "deactivate", deactivate, 409, "Idle"),
        Arguments.of("Available", "refresh", refresh, 204, "Available"),
        Arguments.of("Available", "prepare", prepare, 204, "Staged"),
        Arguments.of("Available", "activate", activate, 409, "Available"),
        Arguments.of("Available", "deactivate", deactivate, 409, "Available"),
        Arguments.of("Staged", "refresh", refresh, 204, "Staged"),
        Arguments.of("Staged", "prepare", prepare, 204, "Staged"),
        Arguments.of("Staged", "activate", activate, 204, "Ready"),
        Arguments.of("Staged", "deactivate", deactivate, 409, "Staged"),
        Arguments.of("Ready", "refresh", refresh, 204, "Ready"),
        Arguments.of("Ready", "prepare", prepare, 409, "Ready"),
        Arguments.of("Ready", "activate", activate, 409, "Ready"),
        Arguments.of("Ready", "deactivate", deactivate, 204, "Staged"),
        Arguments.of("uninitialized", "prepare", prepare, 409, "HTTP 404"),
        Arguments.of("uninitialized", "refresh", refresh, 204, "Available"));
  }

  @ParameterizedTest(name = "{1} in {0} answers {3}, then the state is {4}")
  @MethodSource("stateMachine")
  void followsBottlerocketsStateMachine(
      String from,
      String action,
      BiFunction<BottlerocketHost, Instant, BottlerocketHost.Answer> call,
      int code,
      String to) {
    Prepared p = host(from);

    BottlerocketHost.Answer answer = call.apply(p.host(), p.now());
    Instant later = p.now().plus(TIMING.download()).plus(TIMING.activation());

    assertThat(answer.code()).isEqualTo(code);
    assertThat(state(p.host(), later)).isEqualTo(to);
  }

  @Test
  void whileADownloadRunsEveryOtherCallIsLocked() {
    Prepared p = host("Available");
    p.host().prepare(p.now());
    Instant during = p.now().plus(TIMING.download().dividedBy(2));

    assertThat(p.host().status(during).code()).isEqualTo(423);
    assertThat(p.host().refresh(during).code()).isEqualTo(423);
    assertThat(p.host().activate(during).code()).isEqualTo(423);
  }

  @Test
  void aRebootIntoAReadyUpdateRunsItWithTheStatusUninitialized() {
    Prepared p = host("Ready");

    String running = p.host().boot(p.now(), false);

    assertThat(running).isEqualTo(Clusters.NEW);
    assertThat(p.host().status(p.now()).code()).isEqualTo(404);
  }

  @Test
  void aFailedBootFallsBackToTheOldVersion() {
    Prepared p = host("Ready");

    assertThat(p.host().boot(p.now(), true)).isEqualTo(Clusters.OLD);
  }

  @Test
  void theCheckPrintsAStatusTheUpdaterReadsWithSortedKeysAndTwoSpaceIndent() {
    Prepared p = host("Available");

    HostShell.Result r = HostShell.run(HostCommand.CHECK, Optional.of(p.host()), p.now());

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout())
        .startsWith("{\n  \"active_partition\": {\n    \"image\": {\n      \"arch\": \"x86_64\",");
    assertThat(StatusParser.parse(r.stdout())).isInstanceOf(StatusParser.Result.Parsed.class);
  }

  @Test
  void theRawStatusIsCompactInStructOrder() {
    Prepared p = host("Available");

    HostShell.Result r = HostShell.run(HostCommand.STATUS, Optional.of(p.host()), p.now());

    assertThat(r.stdout())
        .startsWith(
            "{\"update_state\":\"Available\",\"available_updates\":[\"1.20.1\",\"1.20.0\"],\"chosen_update\":{\"arch\":\"x86_64\",\"version\":\"1.20.1\",\"variant\":\"aws-ecs-2\"}");
  }

  static Stream<Arguments> errorLines() {
    return Stream.of(
        Arguments.of(
            "check while locked",
            HostCommand.CHECK,
            true,
            "synthetic-423-check-initial-status-stderr.txt"),
        Arguments.of(
            "raw status while locked",
            HostCommand.STATUS,
            true,
            "synthetic-423-raw-get-status.txt"),
        Arguments.of(
            "raw status before a check in this boot",
            HostCommand.STATUS,
            false,
            "synthetic-404-raw-get-status.txt"));
  }

  @ParameterizedTest(name = "{0}: stderr as in {3}, exit 1")
  @MethodSource("errorLines")
  void errorsAreWordedAsApiclientWordsThem(
      String name, HostCommand command, boolean locked, String fixture) throws IOException {
    Prepared p = host(locked ? "Available" : "uninitialized");
    if (locked) {
      p.host().prepare(p.now());
    }

    HostShell.Result r = HostShell.run(command, Optional.of(p.host()), p.now().plusSeconds(1));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip()).isEqualTo(Files.readString(FIXTURES.resolve(fixture)).strip());
  }

  @Test
  void theGuardedRebootRefusesUnlessReady() {
    Prepared p = host("Staged");

    HostShell.Result r = HostShell.run(HostCommand.REBOOT, Optional.of(p.host()), p.now());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.rebootRequested()).isFalse();
  }

  @Test
  void theGuardedRebootRebootsWhenReady() {
    Prepared p = host("Ready");

    assertThat(HostShell.run(HostCommand.REBOOT, Optional.of(p.host()), p.now()).rebootRequested())
        .isTrue();
  }

  @Test
  void aHostWithoutBottlerocketHasNoApiclient() {
    HostShell.Result r = HostShell.run(HostCommand.CHECK, Optional.empty(), T0);

    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr()).contains("apiclient: command not found");
  }
}
