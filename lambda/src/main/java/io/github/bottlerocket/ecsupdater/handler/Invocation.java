package io.github.bottlerocket.ecsupdater.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.Json;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated request to the updater, from any entry point.
 *
 * <p>Accepted payloads:
 *
 * <ul>
 *   <li>{@code {"cluster": "<name or ARN>", "dryRun": true}}: a manual invoke, with optional {@code
 *       ignoreMaintenanceWindow}, {@code checkNow} and {@code maxConcurrent};
 *   <li>{@code {"clusters": ["<name or ARN>", ...]}}: what the schedule rule sends (same options);
 *   <li>an EventBridge "ECS Container Instance State Change" event: one pass over its cluster, or
 *       nothing when the instance carries no updater record.
 * </ul>
 *
 * @param source which entry point the request came from
 * @param clusters the clusters to pass over, each a name or ARN, without duplicates
 * @param options the pass options
 * @param ignoredBecause set when the request needs no pass (an ECS event about an instance the
 *     updater is not updating)
 */
public record Invocation(
    Source source, List<String> clusters, PassOptions options, Optional<String> ignoredBecause) {

  /** Where a request came from. */
  public enum Source {
    MANUAL,
    SCHEDULE,
    ECS_EVENT
  }

  private static final ObjectMapper MAPPER = Json.MAPPER;
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  private static final Pattern CLUSTER_ARN =
      Pattern.compile("arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\\d{12}):cluster/([A-Za-z0-9_-]{1,255})");
  private static final String ECS_SOURCE = "aws.ecs";
  private static final String ECS_INSTANCE_EVENT = "ECS Container Instance State Change";

  public Invocation {
    clusters = List.copyOf(clusters);
  }

  /**
   * Parses and validates a payload.
   *
   * @param payload the raw request bytes
   * @param region the region the updater runs in, to reject ARNs of other regions; empty to skip
   * @throws InvalidRequestException naming the field that is wrong and how to fix it
   */
  public static Invocation parse(byte[] payload, Optional<String> region) {
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(
          "The request is not valid JSON ("
              + e.getOriginalMessage()
              + "). Send an object such as {\"cluster\": \"my-cluster\", \"dryRun\": true}.");
    } catch (java.io.IOException e) {
      throw new InvalidRequestException("The request could not be read: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidRequestException(
          "The request is empty. Send an object such as {\"cluster\": \"my-cluster\"}.");
    }
    if (!root.isObject()) {
      throw new InvalidRequestException(
          "The request must be a JSON object, got "
              + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
              + ". Send {\"cluster\": \"my-cluster\"}.");
    }
    if (ECS_SOURCE.equals(root.path("source").asText())) {
      return ecsEvent(root, region);
    }
    if (root.has("detail-type") && !root.has("cluster") && !root.has("clusters")) {
      throw new InvalidRequestException(
          "The request is an EventBridge '"
              + root.path("detail-type").asText()
              + "' event without clusters. Set the rule target's input to {\"clusters\": [\"<cluster ARN>\"]}.");
    }
    return direct(root, region);
  }

  private static Invocation direct(JsonNode root, Optional<String> region) {
    boolean hasOne = root.has("cluster");
    boolean hasMany = root.has("clusters");
    if (hasOne && hasMany) {
      throw new InvalidRequestException("Give either 'cluster' or 'clusters', not both.");
    }
    List<String> clusters = new ArrayList<>();
    Source source;
    if (hasOne) {
      JsonNode c = root.get("cluster");
      if (!c.isTextual()) {
        throw new InvalidRequestException(
            "Field 'cluster' must be a string (a cluster name or ARN), got " + describe(c) + ".");
      }
      clusters.add(cluster(c.asText(), "cluster", region));
      source = Source.MANUAL;
    } else if (hasMany) {
      JsonNode list = root.get("clusters");
      if (!list.isArray() || list.isEmpty()) {
        throw new InvalidRequestException(
            "Field 'clusters' must be a non-empty array of cluster names or ARNs, got "
                + describe(list)
                + ".");
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode c = list.get(i);
        if (!c.isTextual()) {
          throw new InvalidRequestException(
              "Field 'clusters["
                  + i
                  + "]' must be a string (a cluster name or ARN), got "
                  + describe(c)
                  + ".");
        }
        clusters.add(cluster(c.asText(), "clusters[" + i + "]", region));
      }
      source = Source.SCHEDULE;
    } else {
      throw new InvalidRequestException(
          "Field 'cluster' is missing. Send {\"cluster\": \"<cluster name or ARN>\"} (add \"dryRun\": true to only plan).");
    }
    PassOptions options =
        new PassOptions(
            bool(root, "dryRun"),
            bool(root, "ignoreMaintenanceWindow"),
            bool(root, "checkNow"),
            maxConcurrent(root));
    return new Invocation(
        source, List.copyOf(new LinkedHashSet<>(clusters)), options, Optional.empty());
  }

  private static Invocation ecsEvent(JsonNode root, Optional<String> region) {
    String type = root.path("detail-type").asText();
    if (!ECS_INSTANCE_EVENT.equals(type)) {
      throw new InvalidRequestException(
          "Only '"
              + ECS_INSTANCE_EVENT
              + "' events from aws.ecs are handled, got '"
              + type
              + "'. Narrow the rule's event pattern.");
    }
    JsonNode detail = root.path("detail");
    JsonNode clusterArn = detail.path("clusterArn");
    if (!clusterArn.isTextual() || clusterArn.asText().isBlank()) {
      throw new InvalidRequestException("Field 'detail.clusterArn' is missing from the ECS event.");
    }
    String cluster = cluster(clusterArn.asText(), "detail.clusterArn", region);
    boolean tracked = false;
    for (JsonNode a : detail.path("attributes")) {
      if (StateAttributes.STATE.equals(a.path("name").asText())) {
        tracked = true;
      }
    }
    Optional<String> ignored =
        tracked
            ? Optional.empty()
            : Optional.of(
                "the instance "
                    + detail.path("containerInstanceArn").asText("?")
                    + " has no updater record");
    return new Invocation(Source.ECS_EVENT, List.of(cluster), PassOptions.DEFAULT, ignored);
  }

  private static String cluster(String value, String field, Optional<String> region) {
    String v = value.strip();
    if (v.startsWith("arn:")) {
      Matcher m = CLUSTER_ARN.matcher(v);
      if (!m.matches()) {
        throw new InvalidRequestException(
            "Field '"
                + field
                + "' is not a cluster ARN: '"
                + v
                + "'. Expected arn:aws:ecs:<region>:<account>:cluster/<name>.");
      }
      if (region.isPresent() && !region.get().equals(m.group(2))) {
        throw new InvalidRequestException(
            "Field '"
                + field
                + "' names a cluster in region "
                + m.group(2)
                + ", but the updater runs in "
                + region.get()
                + ". Invoke the updater deployed in "
                + m.group(2)
                + ".");
      }
      return v;
    }
    if (!CLUSTER_NAME.matcher(v).matches()) {
      throw new InvalidRequestException(
          "Field '"
              + field
              + "' is not a cluster name or ARN: '"
              + v
              + "'. A name has 1 to 255 letters, digits, '-' and '_'.");
    }
    return v;
  }

  private static boolean bool(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new InvalidRequestException(
          "Field '" + field + "' must be true or false, got " + describe(n) + ".");
    }
    return n.asBoolean();
  }

  private static OptionalInt maxConcurrent(JsonNode root) {
    JsonNode n = root.get("maxConcurrent");
    if (n == null || n.isNull()) {
      return OptionalInt.empty();
    }
    if (!n.isInt() || n.asInt() < 1 || n.asInt() > Settings.MAX_CONCURRENT_LIMIT) {
      throw new InvalidRequestException(
          "Field 'maxConcurrent' must be a whole number from 1 to "
              + Settings.MAX_CONCURRENT_LIMIT
              + ", got "
              + describe(n)
              + ".");
    }
    return OptionalInt.of(n.asInt());
  }

  private static String describe(JsonNode n) {
    String text = n.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
