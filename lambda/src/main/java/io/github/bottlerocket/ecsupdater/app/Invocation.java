package io.github.bottlerocket.ecsupdater.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.Json;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
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
 *       nothing when the instance carries no updater record. The same options, given at the top
 *       level beside the event's own fields, are honoured: {@code "dryRun": true} beside an event
 *       plans that cluster and changes nothing.
 * </ul>
 *
 * <p>The two direct forms are read strictly, because a field the updater does not read could be an
 * intention it would silently drop: an unknown field, a field given twice anywhere in the document,
 * a {@code null} for a known field or a second JSON value after the first are errors that name the
 * field. EventBridge envelopes stay lenient for the fields AWS adds, except for one that looks like
 * a misspelt option.
 *
 * @param source which entry point the request came from
 * @param clusters the clusters to pass over, each a name or ARN, without duplicates
 * @param options the pass options
 * @param ignoredBecause set when the request needs no pass (an ECS event about an instance the
 *     updater is not updating)
 * @param notes what the request said that the updater did not do as written, e.g. a cluster named
 *     twice that gets one pass; for the reply and the log
 */
public record Invocation(
    Source source,
    List<String> clusters,
    PassOptions options,
    Optional<String> ignoredBecause,
    List<String> notes) {

  /** Where a request came from. */
  public enum Source {
    MANUAL,
    SCHEDULE,
    ECS_EVENT,
    /** A message of the fan-out queue: one cluster of a schedule tick. */
    QUEUE
  }

  private static final ObjectMapper MAPPER = Json.MAPPER;
  private static final Pattern CLUSTER_NAME = Settings.CLUSTER_NAME;
  private static final Pattern CLUSTER_ARN = Settings.CLUSTER_ARN;
  private static final String ECS_SOURCE = "aws.ecs";
  private static final String ECS_INSTANCE_EVENT = "ECS Container Instance State Change";

  private static final String DRY_RUN = "dryRun";
  private static final String IGNORE_WINDOW = "ignoreMaintenanceWindow";
  private static final String CHECK_NOW = "checkNow";
  private static final String MAX_CONCURRENT = "maxConcurrent";

  /** The options, which every kind of request takes. */
  private static final List<String> OPTIONS =
      List.of(DRY_RUN, IGNORE_WINDOW, CHECK_NOW, MAX_CONCURRENT);

  /** Every field of a direct request. */
  private static final List<String> DIRECT_FIELDS =
      List.of("cluster", "clusters", DRY_RUN, IGNORE_WINDOW, CHECK_NOW, MAX_CONCURRENT);

  /** The fields of an EventBridge event envelope, as AWS documents them. */
  private static final Set<String> ENVELOPE_FIELDS =
      Set.of(
          "version",
          "id",
          "detail-type",
          "source",
          "account",
          "time",
          "region",
          "resources",
          "detail",
          "replay-name");

  /** Other names people use for a field, in {@link #normalised(String)} form. */
  private static final Map<String, String> ALIASES =
      Map.of(
          "ignorewindow", IGNORE_WINDOW,
          "clustername", "cluster",
          "clusterarn", "cluster",
          "clusternames", "clusters",
          "clusterarns", "clusters");

  private static final String DIRECT_FORM =
      "A request takes 'cluster' (or 'clusters') and the options 'dryRun', 'ignoreMaintenanceWindow',"
          + " 'checkNow' and 'maxConcurrent'.";

  public Invocation {
    clusters = List.copyOf(clusters);
    notes = List.copyOf(notes);
  }

  /** A request without notes. */
  public Invocation(
      Source source, List<String> clusters, PassOptions options, Optional<String> ignoredBecause) {
    this(source, clusters, options, ignoredBecause, List.of());
  }

  /** This request, as one that came from {@code source}. */
  public Invocation from(Source source) {
    return new Invocation(source, clusters, options, ignoredBecause, notes);
  }

  /**
   * Parses and validates a payload.
   *
   * @param payload the raw request bytes
   * @param region the region the updater runs in, to reject ARNs of other regions; empty to skip
   * @throws InvalidRequestException naming the field that is wrong and how to fix it
   */
  public static Invocation parse(byte[] payload, Optional<String> region) {
    JsonNode root = read(payload);
    if (root.isNull()) {
      throw new InvalidRequestException(
          "The request is empty. Send an object such as {\"cluster\": \"my-cluster\"}.");
    }
    if (!root.isObject()) {
      throw new InvalidRequestException(
          "The request must be a JSON object, got "
              + root.getNodeType().name().toLowerCase(Locale.ROOT)
              + ". Send {\"cluster\": \"my-cluster\"}.");
    }
    if (ECS_SOURCE.equals(root.path("source").textValue())) {
      return ecsEvent(root, region);
    }
    if (root.has("detail-type") && !root.has("cluster") && !root.has("clusters")) {
      throw new InvalidRequestException(
          "The request is an EventBridge "
              + Echo.quote(root.path("detail-type").asText())
              + " event without clusters. Set the rule target's input to {\"clusters\": [\"<cluster ARN>\"]}.");
    }
    return direct(root, region);
  }

  /**
   * Reads one JSON value, refusing a key given twice in any object and anything after the value:
   * either could hide an intention (the second {@code "dryRun"}, a second object) that a lenient
   * reader drops.
   */
  private static JsonNode read(byte[] payload) {
    try (JsonParser p = MAPPER.getFactory().createParser(payload)) {
      if (p.nextToken() == null) {
        throw new InvalidRequestException(
            "The request is empty. Send an object such as {\"cluster\": \"my-cluster\"}.");
      }
      rejectDuplicateKeys(p);
      if (p.nextToken() != null) {
        throw new InvalidRequestException(
            "The request holds more than one JSON value. Send one object such as {\"cluster\":"
                + " \"my-cluster\", \"dryRun\": true}.");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(
          "The request is not valid JSON ("
              + Echo.cut(e.getOriginalMessage())
              + "). Send an object such as {\"cluster\": \"my-cluster\", \"dryRun\": true}.");
    } catch (IOException e) {
      throw new InvalidRequestException(
          "The request could not be read (" + Echo.cut(e.getMessage()) + ").");
    }
    try {
      return MAPPER.readTree(payload);
    } catch (IOException e) {
      // The same bytes parsed a moment ago.
      throw new InvalidRequestException(
          "The request could not be read (" + Echo.cut(e.getMessage()) + ").");
    }
  }

  /** Walks the value that starts at the current token, failing on a key an object repeats. */
  private static void rejectDuplicateKeys(JsonParser p) throws IOException {
    Deque<Set<String>> open = new ArrayDeque<>();
    JsonToken t = p.currentToken();
    while (true) {
      switch (t) {
        case START_OBJECT -> open.push(new HashSet<>());
        case END_OBJECT -> open.pop();
        case FIELD_NAME -> {
          if (!open.peek().add(p.currentName())) {
            throw new InvalidRequestException(
                "Field "
                    + Echo.quote(path(p.getParsingContext()))
                    + " is given twice. Give each field once: with a key repeated, which value"
                    + " counts is a guess.");
          }
        }
        default -> {}
      }
      if (p.getParsingContext().inRoot()) {
        return;
      }
      t = p.nextToken();
      if (t == null) {
        return;
      }
    }
  }

  /** The field the parser is at, e.g. {@code detail.attributes[0].name}. */
  private static String path(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject()) {
        parts.push(
            (c.getParent() != null && c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
      } else if (c.inArray()) {
        parts.push("[" + c.getCurrentIndex() + "]");
      }
    }
    return String.join("", parts);
  }

  private static Invocation direct(JsonNode root, Optional<String> region) {
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!DIRECT_FIELDS.contains(name)) {
        throw new InvalidRequestException(
            "Field "
                + Echo.quote(name)
                + " is not known"
                + suggestion(name, DIRECT_FIELDS)
                    .map(s -> "; did you mean '" + s + "'?")
                    .orElse(".")
                + " "
                + DIRECT_FORM);
      }
    }
    boolean hasOne = root.has("cluster");
    boolean hasMany = root.has("clusters");
    if (hasOne && hasMany) {
      throw new InvalidRequestException("Give either 'cluster' or 'clusters', not both.");
    }
    Map<String, Integer> named = new LinkedHashMap<>();
    Source source;
    if (hasOne) {
      JsonNode c = root.get("cluster");
      if (c.isNull()) {
        throw new InvalidRequestException(
            "Field 'cluster' is null. Give a cluster name or ARN, e.g. {\"cluster\": \"my-cluster\"}.");
      }
      if (!c.isTextual()) {
        throw new InvalidRequestException(
            "Field 'cluster' must be a string (a cluster name or ARN), got " + describe(c) + ".");
      }
      named.put(cluster(c.asText(), "cluster", region), 1);
      source = Source.MANUAL;
    } else if (hasMany) {
      JsonNode list = root.get("clusters");
      if (list.isNull()) {
        throw new InvalidRequestException(
            "Field 'clusters' is null. Give a non-empty array of cluster names or ARNs.");
      }
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
        named.merge(cluster(c.asText(), "clusters[" + i + "]", region), 1, Integer::sum);
      }
      source = Source.SCHEDULE;
    } else {
      throw new InvalidRequestException(
          "Field 'cluster' is missing. Send {\"cluster\": \"<cluster name or ARN>\"} (add \"dryRun\": true to only plan).");
    }
    List<String> notes = new ArrayList<>();
    named.forEach(
        (cluster, times) -> {
          if (times > 1) {
            notes.add(
                "cluster "
                    + Echo.quote(cluster)
                    + " is named "
                    + times
                    + " times in 'clusters'; it gets one pass");
          }
        });
    return new Invocation(
        source, List.copyOf(named.keySet()), options(root), Optional.empty(), notes);
  }

  private static Invocation ecsEvent(JsonNode root, Optional<String> region) {
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.equals("cluster") || name.equals("clusters")) {
        throw new InvalidRequestException(
            "Field '"
                + name
                + "' is not read beside an ECS event: the event's cluster is detail.clusterArn."
                + " Send either the event or {\"cluster\": \"<cluster name or ARN>\"}.");
      }
      if (OPTIONS.contains(name) || ENVELOPE_FIELDS.contains(name)) {
        continue;
      }
      // AWS may add envelope fields; a field that looks like an option is a mistake, not one.
      Optional<String> meant = suggestion(name, OPTIONS);
      if (meant.isPresent()) {
        throw new InvalidRequestException(
            "Field "
                + Echo.quote(name)
                + " beside the ECS event is not known; did you mean '"
                + meant.get()
                + "'? Beside an ECS event the updater reads the options 'dryRun',"
                + " 'ignoreMaintenanceWindow', 'checkNow' and 'maxConcurrent'.");
      }
    }
    JsonNode typeNode = root.path("detail-type");
    String type = typeNode.isTextual() ? typeNode.asText() : typeNode.toString();
    if (!ECS_INSTANCE_EVENT.equals(type)) {
      throw new InvalidRequestException(
          "Field 'detail-type': only '"
              + ECS_INSTANCE_EVENT
              + "' events from aws.ecs are handled, got "
              + Echo.quote(type)
              + ". Narrow the rule's event pattern.");
    }
    JsonNode detail = root.get("detail");
    if (detail == null || detail.isNull()) {
      throw new InvalidRequestException("Field 'detail' is missing from the ECS event.");
    }
    if (!detail.isObject()) {
      throw new InvalidRequestException(
          "Field 'detail' of the ECS event must be an object, got " + describe(detail) + ".");
    }
    JsonNode clusterArn = detail.get("clusterArn");
    if (clusterArn == null || clusterArn.isNull()) {
      throw new InvalidRequestException("Field 'detail.clusterArn' is missing from the ECS event.");
    }
    if (!clusterArn.isTextual()) {
      throw new InvalidRequestException(
          "Field 'detail.clusterArn' must be a string (the cluster ARN), got "
              + describe(clusterArn)
              + ".");
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
                    + Echo.cut(detail.path("containerInstanceArn").asText("?"))
                    + " has no updater record");
    return new Invocation(Source.ECS_EVENT, List.of(cluster), options(root), ignored);
  }

  private static PassOptions options(JsonNode root) {
    return new PassOptions(
        bool(root, DRY_RUN), bool(root, IGNORE_WINDOW), bool(root, CHECK_NOW), maxConcurrent(root));
  }

  private static String cluster(String value, String field, Optional<String> region) {
    String v = value.strip();
    if (v.startsWith("arn:")) {
      Matcher m = CLUSTER_ARN.matcher(v);
      if (!m.matches()) {
        throw new InvalidRequestException(
            "Field '"
                + field
                + "' is not a cluster ARN: "
                + Echo.quote(v)
                + ". Expected arn:aws:ecs:<region>:<account>:cluster/<name>.");
      }
      if (region.isPresent() && !region.get().equals(m.group(2))) {
        String other = Echo.cut(m.group(2));
        throw new InvalidRequestException(
            "Field '"
                + field
                + "' names a cluster in region "
                + other
                + ", but the updater runs in "
                + region.get()
                + ". Invoke the updater deployed in "
                + other
                + ".");
      }
      return v;
    }
    if (!CLUSTER_NAME.matcher(v).matches()) {
      throw new InvalidRequestException(
          "Field '"
              + field
              + "' is not a cluster name or ARN: "
              + Echo.quote(v)
              + ". A name has 1 to 255 letters, digits, '-' and '_'.");
    }
    return v;
  }

  private static boolean bool(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null) {
      return false;
    }
    if (n.isNull()) {
      throw new InvalidRequestException(
          "Field '" + field + "' is null. Give true or false, or leave the field out.");
    }
    if (!n.isBoolean()) {
      throw new InvalidRequestException(
          "Field '" + field + "' must be true or false, got " + describe(n) + ".");
    }
    return n.asBoolean();
  }

  private static OptionalInt maxConcurrent(JsonNode root) {
    JsonNode n = root.get(MAX_CONCURRENT);
    if (n == null) {
      return OptionalInt.empty();
    }
    String accepted = "a whole number from 1 to " + Settings.MAX_CONCURRENT_LIMIT;
    if (n.isNull()) {
      throw new InvalidRequestException(
          "Field 'maxConcurrent' is null. Give " + accepted + ", or leave the field out.");
    }
    if (!n.isInt() || n.asInt() < 1 || n.asInt() > Settings.MAX_CONCURRENT_LIMIT) {
      throw new InvalidRequestException(
          "Field 'maxConcurrent' must be " + accepted + ", got " + describe(n) + ".");
    }
    return OptionalInt.of(n.asInt());
  }

  /**
   * The field {@code name} was probably meant to be: the same but for case, '-', '_' and spaces, or
   * a near spelling (at most two letters off), or a known other name.
   */
  static Optional<String> suggestion(String name, List<String> fields) {
    if (name.length() > 64) {
      return Optional.empty();
    }
    String n = normalised(name);
    String alias = ALIASES.get(n);
    if (alias != null && fields.contains(alias)) {
      return Optional.of(alias);
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String f : fields) {
      int d = distance(n, normalised(f));
      if (d < bestDistance) {
        best = f;
        bestDistance = d;
      }
    }
    int allowed = n.length() < 4 ? 0 : 2;
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  private static String normalised(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_ .]", "");
  }

  /** Edit distance: insertions, deletions and substitutions. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  private static String describe(JsonNode n) {
    return Echo.cut(n.toString());
  }
}
