package io.github.bottlerocket.ecsupdater.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.run.Reconciler;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EventPort;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Logs, metrics and events of real passes over the in-memory cluster: an update, a skip, a failure.
 */
class TelemetryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> EMF_UNITS = Set.of("Count", "Seconds", "Milliseconds", "None");

  private final FakeCluster cluster = new FakeCluster();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
  private final List<EventPort.UpdaterEvent> sent = new ArrayList<>();
  private final List<Integer> publishCalls = new ArrayList<>();
  private EventPort events =
      list -> {
        sent.addAll(list);
        publishCalls.add(list.size());
        return 0;
      };

  TelemetryTest() {
    FakeCluster.Host spare = cluster.host("zz");
    spare.bottlerocket = false;
    spare.registered = new Resources(8192, 16384);
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;
    a.tasks.add(Scene.serviceTask("t-a", "web", 256, 512));
  }

  private PassReport pass(PassOptions options) {
    Telemetry telemetry =
        new Telemetry(
            List.of(
                new JsonLog(out, cluster.clock),
                new EmfMetrics(out, cluster.clock, "BottlerocketEcsUpdater"),
                new EventPublisher(list -> events.publish(list), out)));
    Reconciler r =
        new Reconciler(
            cluster,
            cluster,
            Settings.fromEnvironment(Map.of("POLL_INTERVAL", "5s")),
            cluster.clock,
            cluster.sleeper(),
            telemetry,
            () -> "run-1");
    return r.run(
        FakeCluster.CLUSTER,
        options,
        Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));
  }

  private List<JsonNode> lines() {
    return stdout.toString(StandardCharsets.UTF_8).lines().map(TelemetryTest::json).toList();
  }

  private List<JsonNode> emf() {
    return lines().stream().filter(n -> n.has("_aws")).toList();
  }

  private List<JsonNode> logs() {
    return lines().stream().filter(n -> !n.has("_aws")).toList();
  }

  private static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The metric value of {@code name} in the document that has it with only the Cluster dimension.
   */
  private double metric(String name) {
    return emf().stream()
        .filter(n -> n.has(name) && !n.has("Reason") && !n.has("Version"))
        .mapToDouble(n -> n.get(name).asDouble())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  @Test
  void everyEmfDocumentHasTheFormatsRequiredKeys() {
    pass(PassOptions.DEFAULT);

    assertThat(emf())
        .isNotEmpty()
        .allSatisfy(
            doc -> {
              JsonNode aws = doc.get("_aws");
              assertThat(aws.get("Timestamp").isNumber()).isTrue();
              assertThat(aws.get("CloudWatchMetrics").isArray()).isTrue();
              for (JsonNode directive : aws.get("CloudWatchMetrics")) {
                assertThat(directive.get("Namespace").asText()).isEqualTo("BottlerocketEcsUpdater");
                for (JsonNode set : directive.get("Dimensions")) {
                  assertThat(set.size()).isLessThanOrEqualTo(30);
                  set.forEach(
                      d ->
                          assertThat(doc.get(d.asText()).isTextual())
                              .as("dimension %s at the root", d)
                              .isTrue());
                }
                assertThat(directive.get("Metrics").size()).isBetween(1, 100);
                for (JsonNode m : directive.get("Metrics")) {
                  assertThat(doc.get(m.get("Name").asText()).isNumber())
                      .as("metric %s at the root", m)
                      .isTrue();
                  assertThat(EMF_UNITS).contains(m.get("Unit").asText());
                }
              }
            });
  }

  @Test
  void anUpdateIsCountedWithItsDrainAndOutOfServiceTime() {
    cluster.host("a").drainTakes = Duration.ofMinutes(2);

    pass(PassOptions.DEFAULT);

    assertThat(metric("UpdatesSucceeded")).isEqualTo(1);
    assertThat(metric("UpdatesFailed")).isZero();
    assertThat(metric("CircuitBreakerOpen")).isZero();
    assertThat(metric("DrainTime")).isBetween(120.0, 130.0);
    assertThat(metric("OutOfServiceTime")).isGreaterThan(metric("DrainTime"));
    assertThat(metric("PassDuration")).isPositive();
    assertThat(emf())
        .anySatisfy(
            n -> {
              assertThat(n.path("Version").asText()).isEqualTo(Scene.NEW);
              assertThat(n.path("HostsOnVersion").asDouble()).isEqualTo(1);
            });
  }

  @Test
  void aSkipIsCountedByReasonWithTheClusterAsTheOnlyOtherDimension() {
    pass(PassOptions.DEFAULT);

    assertThat(emf())
        .anySatisfy(
            n -> {
              assertThat(n.path("Reason").asText()).isEqualTo("NOT_BOTTLEROCKET");
              assertThat(n.path("InstancesSkipped").asDouble()).isEqualTo(1);
              assertThat(n.path("Cluster").asText()).isEqualTo("prod");
              assertThat(
                      n.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
                  .isEqualTo("[[\"Cluster\",\"Reason\"]]");
            });
  }

  @Test
  void aFailureIsCountedAndOpensTheBreakerMetric() {
    cluster.host("a").failsToBoot = true;

    pass(PassOptions.DEFAULT);

    assertThat(metric("UpdatesFailed")).isEqualTo(1);
    assertThat(metric("CircuitBreakerOpen")).isEqualTo(1);
    assertThat(metric("FailuresAgainstBudget")).isEqualTo(1);
    assertThat(sent)
        .anySatisfy(
            e -> {
              assertThat(e.detailType()).isEqualTo(EventPublisher.FAILED);
              assertThat(json(e.detailJson()).path("reason").asText()).isEqualTo("ROLLED_BACK");
            });
    assertThat(logs())
        .anySatisfy(
            l -> {
              assertThat(l.path("level").asText()).isEqualTo("WARN");
              assertThat(l.path("reason").asText()).isEqualTo("ROLLED_BACK");
            });
  }

  @Test
  void anInstanceHeldByTaskProtectionIsCounted() {
    cluster.host("a").protectedUntil.put("task/t-a", Scene.T0.plus(Duration.ofHours(2)));

    pass(PassOptions.DEFAULT);

    assertThat(metric(EmfMetrics.HELD_BY_TASK_PROTECTION)).isEqualTo(1);
    assertThat(cluster.host("a").active).isEqualTo(Scene.OLD);
  }

  @Test
  void passMetricsAreAlsoWrittenWithoutDimensionsForOneAlarmOverAllClusters() {
    pass(PassOptions.DEFAULT);

    JsonNode pass = emf().stream().filter(n -> n.has("UpdatesSucceeded")).findFirst().orElseThrow();
    assertThat(pass.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
        .isEqualTo("[[\"Cluster\"],[]]");
    assertThat(pass.fieldNames())
        .toIterable()
        .contains(EmfMetrics.PASS_METRICS.toArray(String[]::new));
  }

  @Test
  void everyLogLineAboutAnInstanceCarriesItsIdentityPhaseAndVersions() {
    pass(PassOptions.DEFAULT);

    List<JsonNode> instanceLines =
        logs().stream().filter(n -> n.has("containerInstanceArn")).toList();
    assertThat(instanceLines)
        .hasSize(7)
        .allSatisfy(
            l -> {
              assertThat(l.path("runId").asText()).isEqualTo("run-1");
              assertThat(l.path("cluster").asText()).isEqualTo("prod");
              assertThat(l.path("clusterArn").asText()).isEqualTo(FakeCluster.CLUSTER);
              assertThat(l.path("ec2InstanceId").asText()).isEqualTo("i-a");
              assertThat(l.has("phase")).isTrue();
              assertThat(l.has("fromPhase")).isTrue();
              assertThat(l.path("fromVersion").asText()).isEqualTo(Scene.OLD);
              assertThat(l.path("targetVersion").asText()).isEqualTo(Scene.NEW);
              assertThat(l.path("timestamp").asText()).endsWith("Z");
            });
  }

  @Test
  void onePassSummaryLineEndsThePass() {
    pass(PassOptions.DEFAULT);

    List<JsonNode> summaries =
        logs().stream().filter(n -> n.path("message").asText().equals("pass finished")).toList();
    assertThat(summaries)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.path("updated").asInt()).isEqualTo(1);
              assertThat(s.path("skipped").asInt()).isEqualTo(1);
              assertThat(s.path("stopReason").asText()).isEqualTo("SETTLED");
              assertThat(s.path("runId").asText()).isEqualTo("run-1");
            });
  }

  @Test
  void aNoteAboutTheRequestIsLoggedAsAWarning() {
    new Telemetry(List.of(new JsonLog(out, cluster.clock)))
        .noted("cluster 'prod' is named 2 times in 'clusters'; it gets one pass");

    assertThat(logs())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.path("level").asText()).isEqualTo("WARN");
              assertThat(n.path("message").asText())
                  .isEqualTo(
                      "request: cluster 'prod' is named 2 times in 'clusters'; it gets one pass");
            });
  }

  @Test
  void anEventIsSentForEveryChangeAndOneForThePass() {
    PassReport report = pass(PassOptions.DEFAULT);

    assertThat(sent).hasSize(report.transitions().size() + 1);
    assertThat(sent.get(0).detailType()).isEqualTo(EventPublisher.PHASE_CHANGED);
    assertThat(sent.get(0).resources()).containsExactly(Scene.arn("a"));
    assertThat(sent.get(sent.size() - 1).detailType()).isEqualTo(EventPublisher.PASS_FINISHED);
    assertThat(sent.get(sent.size() - 1).resources()).containsExactly(FakeCluster.CLUSTER);
  }

  @Test
  void theChangesOfOnePlanGoOutTogether() {
    for (String id : List.of("b", "c", "d")) {
      FakeCluster.Host h = cluster.host(id);
      h.offered = Scene.NEW;
      h.tasks.add(Scene.serviceTask("t-" + id, "web", 256, 512));
    }

    pass(PassOptions.DEFAULT);

    // The first plan starts one download and queues three: four events in one call.
    assertThat(publishCalls).first().isEqualTo(4);
    assertThat(publishCalls.stream().mapToInt(Integer::intValue).sum()).isEqualTo(sent.size());
    assertThat(sent.get(sent.size() - 1).detailType()).isEqualTo(EventPublisher.PASS_FINISHED);
  }

  @Test
  void aDryRunSendsOnlyItsSummaryAndNoMetrics() {
    pass(PassOptions.dryRunOnly());

    assertThat(sent)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.detailType()).isEqualTo(EventPublisher.PASS_FINISHED);
              assertThat(json(e.detailJson()).path("dryRun").asBoolean()).isTrue();
            });
    assertThat(emf()).isEmpty();
  }

  @Test
  void aFailingEventBusNeverStopsAnUpdate() {
    events =
        list -> {
          throw new AwsFault(
              AwsFault.Kind.ACCESS_DENIED, "events:PutEvents", "AccessDeniedException", null);
        };

    PassReport report = pass(PassOptions.DEFAULT);

    assertThat(cluster.host("a").active).isEqualTo(Scene.NEW);
    assertThat(report.error()).isEmpty();
    assertThat(logs())
        .anySatisfy(
            l ->
                assertThat(l.path("message").asText())
                    .startsWith("could not send 1 event(s) ('Bottlerocket Update Phase Changed')"));
  }

  @Test
  void theEmittedEventSamplesMatchWhatIsSent() throws IOException {
    cluster.host("a").failsToBoot = true;
    pass(PassOptions.DEFAULT);
    Map<String, String> sample =
        Map.of(
            EventPublisher.PHASE_CHANGED, "phase-changed.json",
            EventPublisher.FAILED, "update-failed.json",
            EventPublisher.PASS_FINISHED, "pass-finished.json");

    for (Map.Entry<String, String> e : sample.entrySet()) {
      JsonNode file =
          JSON.readTree(
              Files.readAllBytes(Fixtures.eventsDir().resolve("emitted").resolve(e.getValue())));
      assertThat(file.path("source").asText()).isEqualTo("bottlerocket-ecs-updater");
      assertThat(file.path("detail-type").asText()).isEqualTo(e.getKey());
      JsonNode real =
          sent.stream()
              .filter(x -> x.detailType().equals(e.getKey()))
              .map(x -> json(x.detailJson()))
              .reduce((a, b) -> b)
              .orElseThrow();
      assertThat(keys(file.path("detail"))).as(e.getValue()).isEqualTo(keys(real));
    }
    try (Stream<java.nio.file.Path> files = Files.list(Fixtures.eventsDir().resolve("emitted"))) {
      assertThat(files).hasSize(sample.size());
    }
  }

  private static Set<String> keys(JsonNode n) {
    Set<String> keys = new HashSet<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      keys.add(k);
      if (n.get(k).isObject()) {
        for (Iterator<String> inner = n.get(k).fieldNames(); inner.hasNext(); ) {
          keys.add(k + "." + inner.next());
        }
      }
    }
    return keys;
  }
}
