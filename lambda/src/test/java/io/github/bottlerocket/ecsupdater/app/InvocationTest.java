package io.github.bottlerocket.ecsupdater.app;

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
  void duplicateClustersRunOnceAndTheRequestSaysSo() {
    Invocation i = parse("{\"clusters\":[\"prod\",\"prod\",\"batch\"]}");

    assertThat(i.clusters()).containsExactly("prod", "batch");
    assertThat(i.notes())
        .containsExactly("cluster 'prod' is named 2 times in 'clusters'; it gets one pass");
  }

  @Test
  void optionsBesideAnEcsEventAreHonoured() {
    Invocation i =
        parse(
            """
        {"source":"aws.ecs","detail-type":"ECS Container Instance State Change",
         "dryRun":true,"checkNow":true,"maxConcurrent":2,
         "detail":{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                   "attributes":[{"name":"bottlerocket-ecs-updater.state","value":"x"}]}}""");

    assertThat(i.source()).isEqualTo(Invocation.Source.ECS_EVENT);
    assertThat(i.options().dryRun()).isTrue();
    assertThat(i.options().checkNow()).isTrue();
    assertThat(i.options().maxConcurrent()).hasValue(2);
  }

  @Test
  void fieldsAwsAddsToAnEventEnvelopeAreIgnored() {
    Invocation i =
        parse(
            """
        {"source":"aws.ecs","detail-type":"ECS Container Instance State Change",
         "replay-name":"nightly","x-added-later":{"a":1},
         "detail":{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","future":7}}""");

    assertThat(i.clusters()).containsExactly("arn:aws:ecs:us-east-1:123456789012:cluster/prod");
    assertThat(i.options().dryRun()).isFalse();
  }

  @Test
  void aManualRequestWithOnlyKnownFieldsIsAccepted() {
    Invocation i =
        parse(
            "{\"cluster\":\"prod\",\"dryRun\":false,\"ignoreMaintenanceWindow\":true,"
                + "\"checkNow\":false,\"maxConcurrent\":3}");

    assertThat(i.options().dryRun()).isFalse();
    assertThat(i.options().ignoreMaintenanceWindow()).isTrue();
    assertThat(i.options().maxConcurrent()).hasValue(3);
  }

  static Stream<Arguments> ambiguous() {
    String event =
        "\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
            + "\"detail\":{\"clusterArn\":\"arn:aws:ecs:us-east-1:123456789012:cluster/prod\"}";
    return Stream.of(
        Arguments.of(
            "dryRun null",
            "{\"cluster\":\"prod\",\"dryRun\":null}",
            "Field 'dryRun' is null. Give true or false, or leave the field out."),
        Arguments.of(
            "checkNow null",
            "{\"cluster\":\"prod\",\"checkNow\":null}",
            "Field 'checkNow' is null. Give true or false, or leave the field out."),
        Arguments.of(
            "ignoreMaintenanceWindow null",
            "{\"cluster\":\"prod\",\"ignoreMaintenanceWindow\":null}",
            "Field 'ignoreMaintenanceWindow' is null. Give true or false, or leave the field out."),
        Arguments.of(
            "maxConcurrent null",
            "{\"cluster\":\"prod\",\"maxConcurrent\":null}",
            "Field 'maxConcurrent' is null. Give a whole number from 1 to 100, or leave the field out."),
        Arguments.of(
            "cluster null",
            "{\"cluster\":null}",
            "Field 'cluster' is null. Give a cluster name or ARN, e.g. {\"cluster\": \"my-cluster\"}."),
        Arguments.of(
            "clusters null",
            "{\"clusters\":null}",
            "Field 'clusters' is null. Give a non-empty array of cluster names or ARNs."),
        Arguments.of(
            "dryrun misspelt",
            "{\"cluster\":\"prod\",\"dryrun\":true}",
            "Field 'dryrun' is not known; did you mean 'dryRun'? A request takes 'cluster' (or 'clusters')"
                + " and the options 'dryRun', 'ignoreMaintenanceWindow', 'checkNow' and 'maxConcurrent'."),
        Arguments.of(
            "dry_run",
            "{\"cluster\":\"prod\",\"dry_run\":true}",
            "Field 'dry_run' is not known; did you mean 'dryRun'?"),
        Arguments.of(
            "dryRn",
            "{\"cluster\":\"prod\",\"dryRn\":true}",
            "Field 'dryRn' is not known; did you mean 'dryRun'?"),
        Arguments.of(
            "ignoreWindow",
            "{\"cluster\":\"prod\",\"ignoreWindow\":true}",
            "Field 'ignoreWindow' is not known; did you mean 'ignoreMaintenanceWindow'?"),
        Arguments.of(
            "Cluster",
            "{\"Cluster\":\"prod\"}",
            "Field 'Cluster' is not known; did you mean 'cluster'?"),
        Arguments.of(
            "an unknown field",
            "{\"cluster\":\"prod\",\"comment\":\"from the runbook\"}",
            "Field 'comment' is not known. A request takes 'cluster' (or 'clusters')"),
        Arguments.of(
            "an unknown field in the schedule form",
            "{\"clusters\":[\"prod\"],\"dryrun\":true}",
            "Field 'dryrun' is not known; did you mean 'dryRun'?"),
        Arguments.of(
            "dryRun twice",
            "{\"cluster\":\"prod\",\"dryRun\":true,\"dryRun\":false}",
            "Field 'dryRun' is given twice. Give each field once: with a key repeated, which value counts is a guess."),
        Arguments.of(
            "cluster twice",
            "{\"cluster\":\"staging\",\"cluster\":\"prod\"}",
            "Field 'cluster' is given twice."),
        Arguments.of(
            "a key twice deep in an ECS event",
            "{"
                + event.replace(
                    "\"clusterArn\"",
                    "\"attributes\":[{\"name\":\"a\",\"name\":\"b\"}],\"clusterArn\"")
                + "}",
            "Field 'detail.attributes[0].name' is given twice."),
        Arguments.of(
            "a second JSON value",
            "{\"cluster\":\"prod\"} {\"dryRun\":true}",
            "The request holds more than one JSON value."),
        Arguments.of(
            "dryRun null beside an ECS event",
            "{" + event + ",\"dryRun\":null}",
            "Field 'dryRun' is null. Give true or false, or leave the field out."),
        Arguments.of(
            "dryRun a string beside an ECS event",
            "{" + event + ",\"dryRun\":\"true\"}",
            "Field 'dryRun' must be true or false, got \"true\"."),
        Arguments.of(
            "dryrun misspelt beside an ECS event",
            "{" + event + ",\"dryrun\":true}",
            "Field 'dryrun' beside the ECS event is not known; did you mean 'dryRun'?"),
        Arguments.of(
            "cluster beside an ECS event",
            "{" + event + ",\"cluster\":\"staging\"}",
            "Field 'cluster' is not read beside an ECS event: the event's cluster is detail.clusterArn."),
        Arguments.of(
            "an ECS event whose cluster is not a string",
            "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
                + "\"detail\":{\"clusterArn\":7}}",
            "Field 'detail.clusterArn' must be a string (the cluster ARN), got 7."),
        Arguments.of(
            "an ECS event whose detail is not an object",
            "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
                + "\"detail\":[]}",
            "Field 'detail' of the ECS event must be an object, got []."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguous")
  void aRequestWhoseIntentionCouldBeLostIsRefusedNamingTheField(
      String name, String payload, String message) {
    assertThatThrownBy(() -> parse(payload))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aHugeValueIsEchoedCutWithItsLength() {
    String name = "x".repeat(300) + " y";

    assertThatThrownBy(() -> parse("{\"cluster\":\"" + name + "\"}"))
        .hasMessage(
            "Field 'cluster' is not a cluster name or ARN: '"
                + "x".repeat(100)
                + "...' (302 characters). A name has 1 to 255 letters, digits, '-' and '_'.");
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
            "Field 'detail-type': only 'ECS Container Instance State Change' events"),
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
