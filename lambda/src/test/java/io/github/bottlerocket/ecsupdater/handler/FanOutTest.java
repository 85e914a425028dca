package io.github.bottlerocket.ecsupdater.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.app.FanOut;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.QueuePort;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.FakeLeases;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A schedule tick fanned out to the queue, and the queue's messages run as passes. */
class FanOutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OTHER = "arn:aws:ecs:us-east-1:123456789012:cluster/staging";
  private static final Map<String, String> FANNED =
      Map.of("FAN_OUT_QUEUE", "updater.fifo", "LEASE_TABLE", "leases");

  private final FakeCluster cluster = new FakeCluster();
  private final FakeLeases leases = new FakeLeases();
  private final List<String> queueCalls = new ArrayList<>();
  private final List<QueuePort.Message> sent = new ArrayList<>();
  private final List<QueuePort.Failed> refused = new ArrayList<>();

  private final QueuePort queue =
      new QueuePort() {
        @Override
        public String url(String name) {
          queueCalls.add("url " + name);
          return "https://sqs.us-east-1.amazonaws.com/123456789012/" + name;
        }

        @Override
        public List<Failed> send(String url, List<Message> messages) {
          queueCalls.add("send " + url + " " + messages.size());
          sent.addAll(messages);
          return refused;
        }
      };

  private UpdaterHandler handler(Map<String, String> env) {
    return new UpdaterHandler(
        env,
        s -> cluster,
        s -> cluster,
        s -> PassListener.NONE,
        s -> leases,
        s -> queue,
        Optional.of("us-east-1"),
        cluster.clock,
        cluster.sleeper());
  }

  private static JsonNode invoke(UpdaterHandler handler, String payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(
          new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    } catch (UpdaterHandler.PassFailedException e) {
      // The reply is written first.
    }
    return JSON.readTree(out.toByteArray());
  }

  private static String sqsEvent(String... bodies) {
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < bodies.length; i++) {
      records
          .append(i == 0 ? "" : ",")
          .append("{\"messageId\":\"m-")
          .append(i)
          .append("\",\"eventSource\":\"aws:sqs\",\"body\":")
          .append(JSON.valueToTree(bodies[i]).toString())
          .append(",\"attributes\":{\"MessageGroupId\":\"g\"}}");
    }
    return "{\"Records\":[" + records + "]}";
  }

  @Test
  void aTickWithAFanOutQueueSendsOneMessagePerClusterAndRunsNoPass() throws IOException {
    JsonNode reply =
        invoke(
            handler(FANNED),
            "{\"clusters\":[\"" + FakeCluster.CLUSTER + "\",\"" + OTHER + "\"],\"checkNow\":true}");

    assertThat(queueCalls)
        .containsExactly(
            "url updater.fifo",
            "send https://sqs.us-east-1.amazonaws.com/123456789012/updater.fifo 2");
    assertThat(sent)
        .extracting(QueuePort.Message::groupId)
        .containsExactly(FakeCluster.CLUSTER, OTHER);
    assertThat(sent.get(0).body())
        .isEqualTo("{\"cluster\":\"" + FakeCluster.CLUSTER + "\",\"checkNow\":true}");
    assertThat(reply.path("fannedOut")).hasSize(2);
    assertThat(reply.path("reports")).isEmpty();
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void theQueueUrlIsLookedUpOncePerExecutionEnvironment() throws IOException {
    UpdaterHandler h = handler(FANNED);
    String tick = "{\"clusters\":[\"" + FakeCluster.CLUSTER + "\"]}";

    invoke(h, tick);
    invoke(h, tick);

    assertThat(queueCalls).filteredOn(c -> c.startsWith("url ")).hasSize(1);
  }

  @Test
  void aManualInvokeAndAnEcsEventAreNotFannedOut() throws IOException {
    cluster.host("a");

    JsonNode reply = invoke(handler(FANNED), "{\"cluster\":\"prod\"}");

    assertThat(queueCalls).isEmpty();
    assertThat(reply.path("reports")).hasSize(1);
  }

  @Test
  void aMessageSqsDidNotTakeFailsTheTickNamingTheCluster() throws IOException {
    refused.add(new QueuePort.Failed("cluster-1", "InternalError: try again"));

    JsonNode reply =
        invoke(
            handler(FANNED), "{\"clusters\":[\"" + FakeCluster.CLUSTER + "\",\"" + OTHER + "\"]}");

    assertThat(reply.path("notSent").get(0).asText())
        .isEqualTo(OTHER + ": InternalError: try again");
    assertThatThrownBy(
            () ->
                handler(FANNED)
                    .handleRequest(
                        new ByteArrayInputStream(
                            ("{\"clusters\":[\"" + FakeCluster.CLUSTER + "\",\"" + OTHER + "\"]}")
                                .getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(),
                        null))
        .isInstanceOf(UpdaterHandler.PassFailedException.class)
        .hasMessageContaining("not sent to the fan-out queue");
  }

  @Test
  void aDeliveredMessageRunsOnePassUnderTheLeaseWithNoBatchItemFailure() throws IOException {
    cluster.host("a");

    JsonNode reply =
        invoke(handler(FANNED), sqsEvent("{\"cluster\":\"" + FakeCluster.CLUSTER + "\"}"));

    assertThat(reply.path("reports")).hasSize(1);
    assertThat(reply.path("reports").get(0).path("lease").path("holder").asText())
        .isEqualTo("function (fan-out queue)");
    assertThat(reply.path("batchItemFailures")).isEmpty();
    assertThat(leases.log).first().asString().startsWith("take ");
  }

  @Test
  void aMessageWhosePassFailedOrThatIsNoRequestIsABatchItemFailure() throws IOException {
    cluster.faults.put(
        "ecs:DescribeClusters",
        new AwsFault(AwsFault.Kind.ACCESS_DENIED, "ecs:DescribeClusters", "denied", null));

    JsonNode reply =
        invoke(
            handler(FANNED),
            sqsEvent("{\"cluster\":\"" + FakeCluster.CLUSTER + "\"}", "{\"clustr\":\"prod\"}"));

    assertThat(reply.path("batchItemFailures").findValuesAsText("itemIdentifier"))
        .containsExactly("m-0", "m-1");
    assertThat(reply.path("notes").get(0).asText())
        .startsWith("message m-1 is not a request: Field 'clustr' is not known");
  }

  @Test
  void aClusterGetsOneMessagePerFiveMinutesHoweverOftenTheTickRuns() {
    Invocation tick =
        new Invocation(
            Invocation.Source.SCHEDULE,
            List.of(FakeCluster.CLUSTER, OTHER),
            new PassOptions(false, false, false, OptionalInt.empty()),
            Optional.empty());
    Instant t = Instant.parse("2026-11-26T10:00:30Z");

    List<QueuePort.Message> first = FanOut.messages(tick, t);
    List<QueuePort.Message> retried = FanOut.messages(tick, t.plus(Duration.ofMinutes(4)));
    List<QueuePort.Message> later = FanOut.messages(tick, t.plus(Duration.ofMinutes(5)));

    assertThat(retried.get(0).deduplicationId()).isEqualTo(first.get(0).deduplicationId());
    assertThat(first.get(1).deduplicationId()).isNotEqualTo(first.get(0).deduplicationId());
    assertThat(later.get(0).deduplicationId()).isNotEqualTo(first.get(0).deduplicationId());
  }
}
