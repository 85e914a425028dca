package io.github.bottlerocket.ecsupdater.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvocationTest {
  private static final Optional<String> REGION = Optional.of("us-east-1");

  private static Invocation parse(String json) {
    return Invocation.parse(json.getBytes(StandardCharsets.UTF_8), REGION);
  }

  private static Invocation sample(String name) throws IOException {
    return Invocation.parse(Files.readAllBytes(Fixtures.eventsDir().resolve(name)), REGION);
  }

  @Test
  void theScheduleSampleNamesEachCluster() throws IOException {
    Invocation i = sample("scheduled.json");

    assertThat(i.source()).isEqualTo(Invocation.Source.SCHEDULE);
    assertThat(i.clusters())
        .containsExactly(
            "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
            "arn:aws:ecs:us-east-1:123456789012:cluster/batch");
    assertThat(i.options().dryRun()).isFalse();
  }

  @Test
  void theManualSampleRunsOneCluster() throws IOException {
    Invocation i = sample("manual.json");

    assertThat(i.source()).isEqualTo(Invocation.Source.MANUAL);
    assertThat(i.clusters()).containsExactly("arn:aws:ecs:us-east-1:123456789012:cluster/prod");
  }

  @Test
  void theDryRunSamplePlansOnly() throws IOException {
    Invocation i = sample("manual-dry-run.json");

    assertThat(i.clusters()).containsExactly("prod");
    assertThat(i.options().dryRun()).isTrue();
    assertThat(i.options().checkNow()).isTrue();
  }

  @Test
  void theOverrideSampleCarriesEveryOption() throws IOException {
    Invocation i = sample("manual-now.json");

    assertThat(i.options().ignoreMaintenanceWindow()).isTrue();
    assertThat(i.options().checkNow()).isTrue();
    assertThat(i.options().maxConcurrent()).hasValue(2);
  }

  @Test
  void theEcsEventSampleAdvancesItsCluster() throws IOException {
    Invocation i = sample("ecs-container-instance-state-change.json");

    assertThat(i.source()).isEqualTo(Invocation.Source.ECS_EVENT);
    assertThat(i.clusters()).containsExactly("arn:aws:ecs:us-east-1:123456789012:cluster/prod");
    assertThat(i.ignoredBecause()).isEmpty();
  }

  @Test
  void everyInputSampleInEventsIsAccepted() throws IOException {
    try (Stream<Path> files = Files.list(Fixtures.eventsDir())) {
      List<Path> inputs = files.filter(p -> p.toString().endsWith(".json")).toList();
      assertThat(inputs).hasSizeGreaterThanOrEqualTo(5);
      for (Path p : inputs) {
        assertThat(Invocation.parse(Files.readAllBytes(p), REGION).clusters())
            .as(p.toString())
            .isNotEmpty();
      }
    }
  }

  @Test
  void anEcsEventAboutAnInstanceTheUpdaterIsNotUpdatingIsIgnored() {
    Invocation i =
        parse(
            """
        {"source":"aws.ecs","detail-type":"ECS Container Instance State Change",
         "detail":{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","containerInstanceArn":"ci/1",
                   "attributes":[{"name":"bottlerocket.variant","value":"aws-ecs-2"}]}}""");

    assertThat(i.ignoredBecause()).contains("the instance ci/1 has no updater record");
  }

  @Test
  void duplicateClustersRunOnce() {
    assertThat(parse("{\"clusters\":[\"prod\",\"prod\",\"batch\"]}").clusters())
        .containsExactly("prod", "batch");
  }

  @Test
  void unknownFieldsAreIgnored() {
    assertThat(parse("{\"cluster\":\"prod\",\"comment\":\"from the runbook\"}").clusters())
        .containsExactly("prod");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("not JSON", "{cluster: prod", "The request is not valid JSON"),
        Arguments.of("empty", "", "The request is empty"),
        Arguments.of("an array", "[\"prod\"]", "The request must be a JSON object, got array"),
        Arguments.of("no cluster", "{\"dryRun\":true}", "Field 'cluster' is missing"),
        Arguments.of(
            "both cluster and clusters",
            "{\"cluster\":\"a\",\"clusters\":[\"b\"]}",
            "Give either 'cluster' or 'clusters', not both"),
        Arguments.of(
            "cluster not a string",
            "{\"cluster\":42}",
            "Field 'cluster' must be a string (a cluster name or ARN), got 42"),
        Arguments.of(
            "clusters empty", "{\"clusters\":[]}", "Field 'clusters' must be a non-empty array"),
        Arguments.of(
            "clusters not an array",
            "{\"clusters\":\"prod\"}",
            "Field 'clusters' must be a non-empty array"),
        Arguments.of(
            "a cluster in the list not a string",
            "{\"clusters\":[\"a\",7]}",
            "Field 'clusters[1]' must be a string"),
        Arguments.of(
            "an ARN of the wrong shape",
            "{\"cluster\":\"arn:aws:ecs:us-east-1:123456789012:service/prod/web\"}",
            "Field 'cluster' is not a cluster ARN"),
        Arguments.of(
            "an ARN of another region",
            "{\"cluster\":\"arn:aws:ecs:eu-west-1:123456789012:cluster/prod\"}",
            "names a cluster in region eu-west-1, but the updater runs in us-east-1"),
        Arguments.of(
            "a name with spaces",
            "{\"cluster\":\"my cluster\"}",
            "Field 'cluster' is not a cluster name or ARN: 'my cluster'"),
        Arguments.of(
            "dryRun not a boolean",
            "{\"cluster\":\"prod\",\"dryRun\":\"yes\"}",
            "Field 'dryRun' must be true or false, got \"yes\""),
        Arguments.of(
            "maxConcurrent zero",
            "{\"cluster\":\"prod\",\"maxConcurrent\":0}",
            "Field 'maxConcurrent' must be a whole number from 1 to 100, got 0"),
        Arguments.of(
            "maxConcurrent a string",
            "{\"cluster\":\"prod\",\"maxConcurrent\":\"2\"}",
            "Field 'maxConcurrent' must be a whole number from 1 to 100, got \"2\""),
        Arguments.of(
            "a scheduled event without input",
            "{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}",
            "Set the rule target's input to {\"clusters\""),
        Arguments.of(
            "another ECS event",
            "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Task State Change\",\"detail\":{}}",
            "Only 'ECS Container Instance State Change' events"),
        Arguments.of(
            "an ECS event without its cluster",
            "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\",\"detail\":{}}",
            "Field 'detail.clusterArn' is missing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedPayloadIsRejectedNamingTheField(String name, String payload, String message) {
    assertThatThrownBy(() -> parse(payload))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(message);
  }
}
