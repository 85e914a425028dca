package io.github.bottlerocket.ecsupdater.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.app.InvalidRequestException;
import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpdaterHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeCluster cluster = new FakeCluster();

  UpdaterHandlerTest() {
    FakeCluster.Host spare = cluster.host("zz");
    spare.bottlerocket = false;
    spare.registered = new io.github.bottlerocket.ecsupdater.model.Resources(8192, 16384);
  }

  private UpdaterHandler handler(Map<String, String> env) {
    return new UpdaterHandler(
        env,
        s -> cluster,
        s -> cluster,
        s -> PassListener.NONE,
        Optional.of("us-east-1"),
        cluster.clock,
        cluster.sleeper());
  }

  private JsonNode invoke(UpdaterHandler handler, byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(payload), out, context(Duration.ofMinutes(15)));
    return JSON.readTree(out.toByteArray());
  }

  private JsonNode invoke(String payload) throws IOException {
    return invoke(handler(Map.of()), payload.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "the name first | [\"prod\",\"arn:aws:ecs:us-east-1:123456789012:cluster/prod\"]"
            + " | clusters 'prod' and 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' are one"
            + " cluster, arn:aws:ecs:us-east-1:123456789012:cluster/prod; it gets one pass"
            + " | 1",
        "the ARN first | [\"arn:aws:ecs:us-east-1:123456789012:cluster/prod\",\"prod\"]"
            + " | clusters 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' and 'prod' are one"
            + " cluster; it gets one pass"
            + " | 2",
        "the same name twice | [\"prod\",\"prod\"]"
            + " | cluster 'prod' is named 2 times in 'clusters'; it gets one pass"
            + " | 1",
      })
  void aClusterNamedTwiceGetsOnePassAndTheReplySaysSo(
      String name, String clusters, String note, int describes) throws IOException {
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;

    JsonNode reply = invoke("{\"clusters\":" + clusters + "}");

    assertThat(reply.path("reports")).hasSize(1);
    assertThat(reply.path("notes")).singleElement().extracting(JsonNode::asText).isEqualTo(note);
    assertThat(cluster.log).filteredOn("ecs:DescribeClusters"::equals).hasSize(describes);
    assertThat(cluster.log)
        .filteredOn(
            l -> l.startsWith("ecs:UpdateContainerInstancesState") && l.endsWith("DRAINING"))
        .hasSize(1);
    assertThat(a.active).isEqualTo(Scene.NEW);
  }

  @Test
  void twoClustersWithTheirOwnNamesGetTwoPassesAndNoNote() throws IOException {
    JsonNode reply = invoke("{\"clusters\":[\"prod\",\"staging\"]}");

    assertThat(reply.path("reports")).hasSize(2);
    assertThat(reply.has("notes")).isFalse();
  }

  @Test
  void aManualInvokeUpdatesAndReturnsTheReport() throws IOException {
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;

    JsonNode reply =
        invoke(handler(Map.of()), Files.readAllBytes(Fixtures.eventsDir().resolve("manual.json")));

    JsonNode report = reply.path("reports").get(0);
    assertThat(report.path("cluster").asText()).isEqualTo(FakeCluster.CLUSTER);
    assertThat(report.path("stopReason").asText()).isEqualTo("SETTLED");
    assertThat(report.path("summary").path("UPDATED").asInt()).isEqualTo(1);
    JsonNode line = report.path("instances").get(0);
    assertThat(line.path("ec2InstanceId").asText()).isEqualTo("i-a");
    assertThat(line.path("outcome").asText()).isEqualTo("UPDATED");
    assertThat(line.path("runningVersion").asText()).isEqualTo(Scene.NEW);
    assertThat(report.path("changes")).hasSize(7);
    assertThat(a.active).isEqualTo(Scene.NEW);
  }

  @Test
  void aDryRunReturnsThePlanAndChangesNothing() throws IOException {
    cluster.host("a").offered = Scene.NEW;

    JsonNode report =
        invoke(
                new String(
                    Files.readAllBytes(Fixtures.eventsDir().resolve("manual-dry-run.json")),
                    StandardCharsets.UTF_8))
            .path("reports")
            .get(0);

    assertThat(report.path("dryRun").asBoolean()).isTrue();
    assertThat(report.path("stopReason").asText()).isEqualTo("PLANNED");
    assertThat(report.path("plannedChanges").get(0).path("change").asText())
        .isEqualTo("STAGING_STARTED");
    assertThat(report.path("plannedChanges").get(0).path("detail").asText()).startsWith("would");
    assertThat(cluster.changes()).isEmpty();
  }

  @Test
  void anEcsEventForAnInstanceWithoutARecordMakesNoCall() throws IOException {
    JsonNode reply =
        invoke(
            """
        {"source":"aws.ecs","detail-type":"ECS Container Instance State Change",
         "detail":{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","containerInstanceArn":"x","attributes":[]}}""");

    assertThat(reply.path("ignored").asText()).contains("no updater record");
    assertThat(reply.path("reports")).isEmpty();
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void theEcsEventSampleRunsAPassOverItsCluster() throws IOException {
    JsonNode reply =
        invoke(
            handler(Map.of()),
            Files.readAllBytes(
                Fixtures.eventsDir().resolve("ecs-container-instance-state-change.json")));

    assertThat(reply.path("reports").get(0).path("cluster").asText())
        .isEqualTo(FakeCluster.CLUSTER);
  }

  @Test
  void aMalformedPayloadFailsTheInvocationNamingTheField() {
    assertThatThrownBy(() -> invoke("{\"clusters\":\"prod\"}"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Field 'clusters' must be a non-empty array");
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void anInvalidSettingFailsEveryInvocationWithItsName() {
    UpdaterHandler h = handler(Map.of("MAX_CONCURRENT", "lots"));

    assertThatThrownBy(() -> invoke(h, "{\"cluster\":\"prod\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got 'lots'");
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void whenEveryPassFailsTheInvocationFailsAfterReturningTheReports() {
    cluster.faults.put(
        "ecs:DescribeClusters",
        new AwsFault(
            AwsFault.Kind.ACCESS_DENIED,
            "ecs:DescribeClusters",
            "AccessDeniedException: not allowed",
            null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(
            () ->
                handler(Map.of())
                    .handleRequest(
                        new ByteArrayInputStream(
                            "{\"cluster\":\"prod\"}".getBytes(StandardCharsets.UTF_8)),
                        out,
                        context(Duration.ofMinutes(15))))
        .isInstanceOf(UpdaterHandler.PassFailedException.class)
        .hasMessageContaining("ecs:DescribeClusters failed");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"stopReason\":\"ERROR\"");
  }

  @Test
  void theLambdaDeadlineBoundsThePass() throws IOException {
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;
    a.drainsImmediately = false;
    a.tasks.add(Scene.serviceTask("t", "web", 256, 512));
    Instant end = cluster.clock.instant().plus(Duration.ofMinutes(3));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    handler(Map.of())
        .handleRequest(
            new ByteArrayInputStream("{\"cluster\":\"prod\"}".getBytes(StandardCharsets.UTF_8)),
            out,
            context(end));

    assertThat(JSON.readTree(out.toByteArray()).path("reports").get(0).path("stopReason").asText())
        .isEqualTo("DEADLINE");
    assertThat(cluster.clock.instant()).isBefore(end);
  }

  private Context context(Duration total) {
    return context(cluster.clock.instant().plus(total));
  }

  /** A Lambda context whose remaining time follows the fake cluster's clock. */
  private Context context(Instant end) {
    return new Context() {
      @Override
      public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(cluster.clock.instant(), end).toMillis());
      }

      @Override
      public String getAwsRequestId() {
        return "req-1";
      }

      @Override
      public String getLogGroupName() {
        return "/aws/lambda/updater";
      }

      @Override
      public String getLogStreamName() {
        return "stream";
      }

      @Override
      public String getFunctionName() {
        return "updater";
      }

      @Override
      public String getFunctionVersion() {
        return "$LATEST";
      }

      @Override
      public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:updater";
      }

      @Override
      public CognitoIdentity getIdentity() {
        return null;
      }

      @Override
      public ClientContext getClientContext() {
        return null;
      }

      @Override
      public int getMemoryLimitInMB() {
        return 512;
      }

      @Override
      public LambdaLogger getLogger() {
        return null;
      }
    };
  }
}
