package io.github.bottlerocket.ecsupdater.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.Json;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.port.QueuePort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A schedule tick fanned out to an SQS FIFO queue, one message per cluster, and the queue's
 * messages read back as passes.
 *
 * <p>Each message is a manual invoke's payload ({@code {"cluster": "<ARN>"}} with the tick's
 * options), so a message is read by {@link Invocation#parse} as strictly as any request. Its
 * message group is the cluster, so SQS hands one cluster's messages out one at a time.
 */
public final class FanOut {
  private static final ObjectMapper MAPPER = Json.MAPPER;

  /** SQS's longest message group id. */
  private static final int MAX_GROUP_ID = 128;

  private FanOut() {}

  /** One message the queue delivered. */
  public record Message(String messageId, String body) {}

  /** How long SQS drops a message whose deduplication id it has seen. */
  static final Duration DEDUPLICATION_INTERVAL = Duration.ofMinutes(5);

  /**
   * The messages of {@code tick}, one per cluster. The deduplication id is the cluster and the
   * five-minute interval {@code now} falls in: a tick Lambda runs again (an asynchronous retry) or
   * ticks closer together than that send a cluster one message, so a cluster whose pass is long
   * gathers at most one waiting message per interval.
   */
  public static List<QueuePort.Message> messages(Invocation tick, Instant now) {
    long interval = now.toEpochMilli() / DEDUPLICATION_INTERVAL.toMillis();
    List<QueuePort.Message> out = new ArrayList<>();
    for (int i = 0; i < tick.clusters().size(); i++) {
      String cluster = tick.clusters().get(i);
      out.add(
          new QueuePort.Message(
              "cluster-" + i,
              cluster.length() <= MAX_GROUP_ID ? cluster : sha256(cluster),
              sha256(interval + "\n" + cluster),
              body(cluster, tick.options())));
    }
    return out;
  }

  /** A manual invoke's payload for {@code cluster} with {@code options}. */
  static String body(String cluster, PassOptions options) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("cluster", cluster);
    if (options.dryRun()) {
      n.put("dryRun", true);
    }
    if (options.ignoreMaintenanceWindow()) {
      n.put("ignoreMaintenanceWindow", true);
    }
    if (options.checkNow()) {
      n.put("checkNow", true);
    }
    options.maxConcurrent().ifPresent(m -> n.put("maxConcurrent", m));
    return n.toString();
  }

  /**
   * The messages of an SQS event ({@code {"Records": [{"eventSource": "aws:sqs", ...}]}}), or empty
   * when {@code payload} is not one.
   */
  public static Optional<List<Message>> records(byte[] payload) {
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (root == null || !root.path("Records").isArray() || root.path("Records").isEmpty()) {
      return Optional.empty();
    }
    List<Message> out = new ArrayList<>();
    for (JsonNode r : root.path("Records")) {
      if (!"aws:sqs".equals(r.path("eventSource").textValue())) {
        return Optional.empty();
      }
      out.add(new Message(r.path("messageId").asText(), r.path("body").asText()));
    }
    return Optional.of(out);
  }

  /** The payload of a delivered message, for {@link Invocation#parse}. */
  public static byte[] payload(Message m) {
    return m.body().getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
