package io.github.bottlerocket.ecsupdater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.run.Reconciler;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input from the hosts: every way an update check can fail to give a status, as SSM hands it to
 * the updater. Each leaves the instance untouched but for the record of the failed check, skipped
 * with the reason in its report line. The hosts offer an update, so any other change would show.
 */
class BadCheckReplyTest {
  private final FakeCluster cluster = new FakeCluster();

  static Stream<Arguments> badReplies() {
    return Stream.of(
        Arguments.of(
            "empty output",
            InvocationStatus.SUCCESS,
            "",
            "",
            "UNPARSEABLE: the command printed nothing on standard output"),
        Arguments.of(
            "output that is not JSON",
            InvocationStatus.SUCCESS,
            "No updates available.\n",
            "",
            "UNPARSEABLE: standard output is not JSON: 'No updates available.'"),
        Arguments.of(
            "JSON that is not an object",
            InvocationStatus.SUCCESS,
            "[\"1.20.1\"]",
            "",
            "UNPARSEABLE: standard output is not a JSON object: '[\"1.20.1\"]'"),
        Arguments.of(
            "a JSON object of the wrong shape (apiclient get os)",
            InvocationStatus.SUCCESS,
            Fixtures.apiclient("literal-get-os-brupop691.json"),
            "",
            "UNPARSEABLE: the status has no update_state: '{ | \"os\": { | \"arch\": \"x86_64\", | \"build_id\": \"943d9a41\", | \"pretty_name\": \"B...'"),
        Arguments.of(
            "a status with an unknown update state",
            InvocationStatus.SUCCESS,
            "{\"update_state\":\"Exploded\",\"active_partition\":{\"image\":{\"version\":\"1.20.0\"}}}",
            "",
            "UNPARSEABLE: unknown update_state 'Exploded'"),
        Arguments.of(
            "a status without the running version",
            InvocationStatus.SUCCESS,
            "{\"update_state\":\"Idle\",\"active_partition\":null}",
            "",
            "UNPARSEABLE: the status has no active_partition.image.version"),
        Arguments.of(
            "apiclient 404 (status uninitialized)",
            InvocationStatus.FAILED,
            "",
            Fixtures.apiclient("literal-404-uninitialized-pr942.txt"),
            "UNINITIALIZED (404): Status 404 when GETing unix://2f72756e2f6170692e736f636b:0/updates/status: Update status is uninitialized, refresh-updates to initialize it"),
        Arguments.of(
            "apiclient 423 (update lock held)",
            InvocationStatus.FAILED,
            "",
            Fixtures.apiclient("synthetic-423-check-refresh-stderr.txt"),
            "LOCKED (423): Failed to check for updates: Failed to make refresh request: Status 423 when POSTing /actions/refresh-updates: Update lock held"),
        Arguments.of(
            "apiclient 423 on the initial status read",
            InvocationStatus.FAILED,
            "",
            Fixtures.apiclient("synthetic-423-check-initial-status-stderr.txt"),
            "LOCKED (423): Failed to check for updates: Unable to check initial update status, got code '423 Locked': Unable to obtain shared lock for reading update status: Resource temporarily unavailable (os error 11)"),
        Arguments.of(
            "a command that failed for another reason",
            InvocationStatus.FAILED,
            "",
            "bash: line 1: apiclient: command not found\n",
            "FAILED: bash: line 1: apiclient: command not found"),
        Arguments.of(
            "a command that failed silently",
            InvocationStatus.FAILED,
            "",
            "",
            "FAILED: the command failed and printed nothing on standard error"),
        Arguments.of(
            "SSM could not deliver the command (Undeliverable)",
            InvocationStatus.UNDELIVERABLE,
            "",
            "",
            "NOT_RUN: SSM reports the invocation as UNDELIVERABLE"),
        Arguments.of(
            "SSM timed the command out (TimedOut)",
            InvocationStatus.TIMED_OUT,
            "",
            "",
            "NOT_RUN: SSM reports the invocation as TIMED_OUT"),
        Arguments.of(
            "SSM cancelled the command",
            InvocationStatus.CANCELLED,
            "",
            "",
            "NOT_RUN: SSM reports the invocation as CANCELLED"),
        Arguments.of(
            "no answer within CHECK_TIMEOUT",
            InvocationStatus.IN_PROGRESS,
            "",
            "",
            "no reply within CHECK_TIMEOUT (2m); SSM status IN_PROGRESS"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badReplies")
  void aCheckWithoutAUsableStatusIsRecordedAndChangesNothingElse(
      String name, InvocationStatus status, String stdout, String stderr, String detail) {
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;
    a.tasks.add(Scene.serviceTask("t-a", "web", 256, 512));
    ScriptedChecks ssm = new ScriptedChecks(cluster, status, stdout, stderr);

    PassReport report =
        new Reconciler(
                cluster,
                ssm,
                Settings.fromEnvironment(Map.of()),
                cluster.clock,
                cluster.sleeper(),
                PassListener.NONE)
            .run(
                FakeCluster.CLUSTER,
                PassOptions.DEFAULT,
                Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));

    assertThat(report.error()).isEmpty();
    assertThat(report.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    assertThat(report.instances())
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.outcome()).isEqualTo(Outcome.SKIPPED);
              assertThat(line.reason()).contains(FailureReason.CHECK_FAILED);
              assertThat(line.detail()).contains(detail);
              assertThat(line.next()).startsWith("checked again after ");
            });
    assertThat(report.transitions())
        .singleElement()
        .satisfies(t -> assertThat(t.kind()).isEqualTo(Transition.Kind.CHECK_FAILED));
    assertThat(ssm.sent).containsExactly(HostCommand.CHECK);
    assertThat(cluster.changes()).containsExactly("ecs:PutAttributes a failure=CHECK_FAILED");
    assertThat(a.attributes).containsOnlyKeys(StateAttributes.FAILURE);
    assertThat(StateAttributes.decodeFailure(a.attributes.get(StateAttributes.FAILURE)).reason())
        .isEqualTo(FailureReason.CHECK_FAILED);
    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(a.staged).isNull();
    // No host answered usefully, so the check is not recorded and the next pass checks again.
    assertThat(cluster.tags).doesNotContainKey(StateAttributes.LAST_CHECK_TAG);
  }

  @Test
  void theSameSetupWithAUsableCheckStartsTheUpdate() {
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;
    a.tasks.add(Scene.serviceTask("t-a", "web", 256, 512));
    ScriptedChecks ssm =
        new ScriptedChecks(
            cluster,
            InvocationStatus.SUCCESS,
            Fixtures.apiclient("synthetic-ecs-available.json"),
            "");

    new Reconciler(
            cluster,
            ssm,
            Settings.fromEnvironment(Map.of()),
            cluster.clock,
            cluster.sleeper(),
            PassListener.NONE)
        .run(
            FakeCluster.CLUSTER,
            PassOptions.DEFAULT,
            Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));

    // The control for the table above: with a status that offers an update, the same host moves.
    assertThat(cluster.changes())
        .startsWith("ssm:SendCommand PREPARE i-a", "ecs:PutAttributes a state=STAGING");
  }

  /**
   * SSM as the fake cluster's, except that every update check ends with the scripted invocation.
   */
  private static final class ScriptedChecks implements SsmPort {
    private final FakeCluster cluster;
    private final InvocationStatus status;
    private final String stdout;
    private final String stderr;
    final List<HostCommand> sent = new ArrayList<>();
    private final Map<String, Integer> checks = new HashMap<>();

    ScriptedChecks(FakeCluster cluster, InvocationStatus status, String stdout, String stderr) {
      this.cluster = cluster;
      this.status = status;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String sendCommand(HostCommand command, List<String> instanceIds, String comment) {
      sent.add(command);
      if (command != HostCommand.CHECK) {
        return cluster.sendCommand(command, instanceIds, comment);
      }
      String id = "check-" + (checks.size() + 1);
      checks.put(id, instanceIds.size());
      return id;
    }

    @Override
    public java.util.Optional<String> parameter(String name) {
      return cluster.parameter(name);
    }

    @Override
    public CommandInvocation invocation(String commandId, String instanceId) {
      if (!checks.containsKey(commandId)) {
        return cluster.invocation(commandId, instanceId);
      }
      return new CommandInvocation(
          commandId,
          instanceId,
          status,
          status.isTerminal() ? stdout : "",
          status.isTerminal() ? stderr : "");
    }
  }
}
