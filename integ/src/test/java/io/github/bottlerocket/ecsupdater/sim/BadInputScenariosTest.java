package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.app.InvalidRequestException;
import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.model.Attribute;

/**
 * Each control that must fail closed, against the simulated cluster through the real handler and
 * AWS SDK: a request or a cluster that says "change nothing" in a way the updater once misread.
 * Every scenario asserts that nothing changed in the cluster: no attribute, tag or drain, and no
 * host command but the read-only check and status (and, where the request is refused, no call at
 * all).
 */
class BadInputScenariosTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The calls that change the cluster. */
  private static final List<String> WRITES =
      List.of(
          "ecs:PutAttributes",
          "ecs:DeleteAttributes",
          "ecs:UpdateContainerInstancesState",
          "ecs:TagResource");

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private String invoke(Scenario s, String payload) {
    return s.sim.invoke(
        s.sim.newHandler(new PrintStream(log, true, StandardCharsets.UTF_8)), payload);
  }

  private static JsonNode json(String reply) {
    try {
      return JSON.readTree(reply);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** No write since {@code before}, and only read-only host commands after the first {@code n}. */
  private static void assertNothingChanged(Scenario s, Map<String, Long> before, int n) {
    Map<String, Long> after = s.sim.endpoint().calls();
    for (String write : WRITES) {
      assertThat(after.get(write)).as(write).isEqualTo(before.get(write));
    }
    List<String> commands = s.sim.cluster().hostCommandsSent();
    assertThat(commands.subList(n, commands.size()))
        .allMatch(c -> c.endsWith(":CHECK") || c.endsWith(":STATUS"));
    s.assertSafetyHeld();
  }

  static Stream<Arguments> refusedRequests() {
    return Stream.of(
        Arguments.of(
            "dryRun null",
            "{\"cluster\":\"demo\",\"dryRun\":null}",
            "Field 'dryRun' is null. Give true or false, or leave the field out."),
        Arguments.of(
            "a misspelt dryRun",
            "{\"cluster\":\"demo\",\"dryrun\":true}",
            "Field 'dryrun' is not known; did you mean 'dryRun'?"),
        Arguments.of(
            "dryRun given twice",
            "{\"cluster\":\"demo\",\"dryRun\":true,\"dryRun\":false}",
            "Field 'dryRun' is given twice."),
        Arguments.of(
            "a misspelt dryRun beside an ECS event",
            "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
                + "\"dryrun\":true,\"detail\":{\"clusterArn\":\"arn:aws:ecs:us-east-1:123456789012:cluster/demo\"}}",
            "Field 'dryrun' beside the ECS event is not known; did you mean 'dryRun'?"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedRequests")
  void aRequestThatCouldLoseADryRunIsRefusedBeforeAnyCall(
      String name, String payload, String message) {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(71))) {
      assertThatThrownBy(() -> invoke(s, payload))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageStartingWith(message);

      assertThat(s.sim.endpoint().requestCount()).isZero();
      for (String host : List.of("br-1", "br-2", "br-3")) {
        assertThat(s.host(host).version()).isEqualTo(OLD);
        assertThat(s.host(host).status()).isEqualTo("ACTIVE");
      }
    }
  }

  @Test
  void aDryRunBesideAnEcsEventPlansThatClusterAndSendsOnlyReadOnlyCommands() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(72))) {
      String event =
          "{\"version\":\"0\",\"id\":\"e-1\",\"source\":\"aws.ecs\","
              + "\"detail-type\":\"ECS Container Instance State Change\",\"dryRun\":true,"
              + "\"detail\":{\"clusterArn\":\""
              + s.sim.cluster().arn()
              + "\",\"containerInstanceArn\":\""
              + s.host("br-1").containerInstanceArn()
              + "\",\"attributes\":[{\"name\":\"bottlerocket-ecs-updater.state\","
              + "\"value\":\"STAGED/1.20.0/1.20.1/1/-/-\"}]}}";
      Map<String, Long> before = s.sim.endpoint().calls();

      JsonNode report = json(invoke(s, event)).path("reports").path(0);

      assertThat(report.path("dryRun").asBoolean()).isTrue();
      assertThat(report.path("stopReason").asText()).isEqualTo("PLANNED");
      assertThat(report.path("plannedChanges")).isNotEmpty();
      assertThat(s.sim.cluster().hostCommandsSent()).isNotEmpty();
      assertNothingChanged(s, before, 0);
    }
  }

  @Test
  void anOptOutWithoutAValueKeepsTheUpdaterAway() {
    ClusterSpec spec =
        Clusters.empty()
            .withHost(ClusterSpec.HostSpec.bottlerocket("br-1", OLD))
            .withService(ClusterSpec.ServiceSpec.replica("web", 1, 256, 512));
    try (Scenario s = Scenario.start(spec, Faults.none(73))) {
      String arn = s.host("br-1").containerInstanceArn();
      String ec2 = s.ec2("br-1");
      // As an operator would: put-attributes with a name and no value, through the real API.
      try (AwsClients clients = s.sim.newClients()) {
        clients
            .ecs()
            .putAttributes(
                r ->
                    r.cluster(s.sim.cluster().arn())
                        .attributes(
                            Attribute.builder()
                                .name("bottlerocket-ecs-updater.opt-out")
                                .targetId(arn)
                                .build()));
      }
      Map<String, Long> before = s.sim.endpoint().calls();

      JsonNode line = null;
      for (int tick = 0; tick < 3; tick++) {
        JsonNode report = json(invoke(s, Scenario.SCHEDULED)).path("reports").path(0);
        line = report.path("instances").path(0);
        s.sim.advance(Scenario.TICK);
      }

      assertThat(line.path("ec2InstanceId").asText()).isEqualTo(ec2);
      assertThat(line.path("outcome").asText()).isEqualTo("SKIPPED");
      assertThat(line.path("reason").asText()).isEqualTo("OPTED_OUT");
      assertThat(s.sim.cluster().hostCommandsSent()).isEmpty();
      assertNothingChanged(s, before, 0);
    }
  }

  static Stream<Arguments> pauseTags() {
    return Stream.of(
        Arguments.of("yes", "the cluster carries the tag bottlerocket-ecs-updater:paused=yes"),
        Arguments.of(
            "maybe",
            "the cluster tag bottlerocket-ecs-updater:paused has the value 'maybe', which is not"
                + " understood, so the cluster is paused;"),
        Arguments.of(
            "",
            "the cluster tag bottlerocket-ecs-updater:paused has an empty value, which is not"
                + " understood, so the cluster is paused;"));
  }

  @ParameterizedTest(name = "paused=''{0}''")
  @MethodSource("pauseTags")
  void aPauseTagWithAnyValueButANoStartsNothingAndSaysWhy(String value, String detail) {
    try (Scenario s =
        Scenario.start(
            Clusters.small().withTag("bottlerocket-ecs-updater:paused", value), Faults.none(74))) {
      Map<String, Long> before = new HashMap<>(s.sim.endpoint().calls());

      Scenario.Reply reply = null;
      for (int tick = 0; tick < 3; tick++) {
        reply = s.invoke(Scenario.SCHEDULED);
        s.sim.advance(Scenario.TICK);
      }

      assertThat(reply.report().path("gates").path("paused").asBoolean()).isTrue();
      for (String host : List.of("br-1", "br-2", "br-3")) {
        JsonNode line = reply.line(s.ec2(host));
        assertThat(line.path("reason").asText()).as(host).isEqualTo("PAUSED");
        assertThat(line.path("detail").asText()).as(host).startsWith(detail);
        assertThat(s.host(host).version()).isEqualTo(OLD);
        assertThat(s.host(host).attributes()).containsOnlyKeys("bottlerocket.variant");
      }
      assertThat(s.sim.cluster().hostCommandsSent()).isEmpty();
      assertNothingChanged(s, before, 0);
    }
  }
}
