package io.github.bottlerocket.ecsupdater.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.app.InvalidRequestException;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad invocation payloads, through the handler: each fails the invocation with the exact message
 * the operator reads in the Lambda error, before any AWS call. {@code InvocationTest} holds the
 * parser's full table; these are the rows of {@code docs/bad-input.md}.
 */
class BadRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeCluster cluster = new FakeCluster();

  private UpdaterHandler handler() {
    return new UpdaterHandler(
        Map.of(),
        s -> cluster,
        s -> cluster,
        s -> PassListener.NONE,
        Optional.of("us-east-1"),
        cluster.clock,
        cluster.sleeper());
  }

  private void invoke(String payload, ByteArrayOutputStream out) throws IOException {
    handler()
        .handleRequest(
            new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
  }

  static Stream<Arguments> badPayloads() {
    return Stream.of(
        Arguments.of(
            "malformed JSON",
            "{cluster: prod",
            "The request is not valid JSON (Unexpected character ('c' (code 99)): was expecting double-quote to start field name). "
                + "Send an object such as {\"cluster\": \"my-cluster\", \"dryRun\": true}."),
        Arguments.of(
            "an empty payload",
            "",
            "The request is empty. Send an object such as {\"cluster\": \"my-cluster\"}."),
        Arguments.of(
            "JSON that is not an object",
            "\"prod\"",
            "The request must be a JSON object, got string. Send {\"cluster\": \"my-cluster\"}."),
        Arguments.of(
            "no cluster",
            "{\"dryRun\":true}",
            "Field 'cluster' is missing. Send {\"cluster\": \"<cluster name or ARN>\"} (add \"dryRun\": true to only plan)."),
        Arguments.of(
            "a cluster that is not a string",
            "{\"cluster\":[\"prod\"]}",
            "Field 'cluster' must be a string (a cluster name or ARN), got [\"prod\"]."),
        Arguments.of(
            "a cluster ARN of the wrong shape",
            "{\"cluster\":\"arn:aws:ecs:us-east-1:123456789012:service/prod/web\"}",
            "Field 'cluster' is not a cluster ARN: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web'. "
                + "Expected arn:aws:ecs:<region>:<account>:cluster/<name>."),
        Arguments.of(
            "a cluster ARN of another region",
            "{\"cluster\":\"arn:aws:ecs:eu-west-1:123456789012:cluster/prod\"}",
            "Field 'cluster' names a cluster in region eu-west-1, but the updater runs in us-east-1. Invoke the updater deployed in eu-west-1."),
        Arguments.of(
            "a cluster name with forbidden characters",
            "{\"cluster\":\"prod cluster\"}",
            "Field 'cluster' is not a cluster name or ARN: 'prod cluster'. A name has 1 to 255 letters, digits, '-' and '_'."),
        Arguments.of(
            "a scheduled event without the rule's input",
            "{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}",
            "The request is an EventBridge 'Scheduled Event' event without clusters. Set the rule target's input to {\"clusters\": [\"<cluster ARN>\"]}."),
        Arguments.of(
            "an ECS event of another region",
            "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
                + "\"detail\":{\"clusterArn\":\"arn:aws:ecs:eu-west-1:123456789012:cluster/prod\"}}",
            "Field 'detail.clusterArn' names a cluster in region eu-west-1, but the updater runs in us-east-1. Invoke the updater deployed in eu-west-1."),
        Arguments.of(
            "dryRun null",
            "{\"cluster\":\"prod\",\"dryRun\":null}",
            "Field 'dryRun' is null. Give true or false, or leave the field out."),
        Arguments.of(
            "a misspelt dryRun",
            "{\"cluster\":\"prod\",\"dryrun\":true}",
            "Field 'dryrun' is not known; did you mean 'dryRun'? A request takes 'cluster' (or 'clusters') and the options "
                + "'dryRun', 'ignoreMaintenanceWindow', 'checkNow' and 'maxConcurrent'."),
        Arguments.of(
            "an unknown field",
            "{\"cluster\":\"prod\",\"comment\":\"from the runbook\"}",
            "Field 'comment' is not known. A request takes 'cluster' (or 'clusters') and the options "
                + "'dryRun', 'ignoreMaintenanceWindow', 'checkNow' and 'maxConcurrent'."),
        Arguments.of(
            "dryRun given twice",
            "{\"cluster\":\"prod\",\"dryRun\":true,\"dryRun\":false}",
            "Field 'dryRun' is given twice. Give each field once: with a key repeated, which value counts is a guess."),
        Arguments.of(
            "a second JSON value after the request",
            "{\"cluster\":\"prod\"}{\"dryRun\":true}",
            "The request holds more than one JSON value. Send one object such as {\"cluster\": \"my-cluster\", \"dryRun\": true}."),
        Arguments.of(
            "a misspelt dryRun beside an ECS event",
            ecsEvent(",\"dryrun\":true"),
            "Field 'dryrun' beside the ECS event is not known; did you mean 'dryRun'? Beside an ECS event the updater reads "
                + "the options 'dryRun', 'ignoreMaintenanceWindow', 'checkNow' and 'maxConcurrent'."),
        Arguments.of(
            "an ECS event whose cluster is not a string",
            "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
                + "\"detail\":{\"clusterArn\":7}}",
            "Field 'detail.clusterArn' must be a string (the cluster ARN), got 7."));
  }

  /** An ECS event about instance a of the fake cluster, which carries an updater record. */
  private static String ecsEvent(String extraFields) {
    return "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
        + "\"detail\":{\"clusterArn\":\""
        + FakeCluster.CLUSTER
        + "\",\"containerInstanceArn\":\""
        + Scene.arn("a")
        + "\",\"attributes\":[{\"name\":\"bottlerocket-ecs-updater.state\",\"value\":\"STAGED/1.20.0/1.20.1/1/-/-\"}]}"
        + extraFields
        + "}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPayloads")
  void aBadPayloadFailsTheInvocationBeforeAnyAwsCall(String name, String payload, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> invoke(payload, out))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(message);
    assertThat(cluster.log).isEmpty();
    assertThat(out.size()).isZero();
  }

  @Test
  void aDryRunBesideAnEcsEventPlansThatClusterAndChangesNothing() throws IOException {
    cluster.host("a").offered = Scene.NEW;
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    invoke(ecsEvent(",\"dryRun\":true"), out);

    JsonNode report = JSON.readTree(out.toByteArray()).path("reports").get(0);
    assertThat(report.path("dryRun").asBoolean()).isTrue();
    assertThat(report.path("stopReason").asText()).isEqualTo("PLANNED");
    assertThat(report.path("plannedChanges")).isNotEmpty();
    assertThat(cluster.changes()).isEmpty();
    assertThat(cluster.log).noneMatch(l -> l.startsWith("ecs:TagResource"));
  }

  @Test
  void anUnknownClusterFailsTheInvocationAfterReportingItAndChangesNothing() throws IOException {
    cluster.host("a").offered = "1.20.1";
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> invoke("{\"cluster\":\"staging\"}", out))
        .isInstanceOf(UpdaterHandler.PassFailedException.class)
        .hasMessage(
            "No pass completed: staging: ecs:DescribeClusters failed: cluster 'staging' was not found (MISSING); "
                + "check the name or ARN, the account and the region (the resource does not exist (any more))");
    JsonNode report = JSON.readTree(out.toByteArray()).path("reports").get(0);
    assertThat(report.path("cluster").asText()).isEqualTo("staging");
    assertThat(report.path("stopReason").asText()).isEqualTo("ERROR");
    assertThat(report.path("error").asText())
        .isEqualTo(
            "ecs:DescribeClusters failed: cluster 'staging' was not found (MISSING); "
                + "check the name or ARN, the account and the region (the resource does not exist (any more))");
    assertThat(report.path("instances")).isEmpty();
    assertThat(cluster.log).containsExactly("ecs:DescribeClusters");
  }
}
