package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * CloudWatch {@code DescribeAlarms} over the scenario's {@link Alarms}, with its limits: at most
 * 100 alarm names, names or a prefix (not both), metric alarms only unless {@code AlarmTypes} asks
 * for composite ones, pages of {@code MaxRecords} (1 to 100, default 50).
 */
final class CloudWatchApi {
  private static final Set<String> STATES = Set.of("OK", "ALARM", "INSUFFICIENT_DATA");

  private final SimulatedCluster c;

  CloudWatchApi(SimulatedCluster cluster) {
    this.c = cluster;
  }

  JsonNode handle(String operation, JsonNode r) {
    synchronized (c) {
      c.catchUp();
      if (!operation.equals("DescribeAlarms")) {
        throw AwsEndpoint.unknownOperation(Wire.Service.CLOUDWATCH.target, operation);
      }
      return describeAlarms(r);
    }
  }

  private JsonNode describeAlarms(JsonNode r) {
    List<String> names = EcsApi.strings(r, "AlarmNames");
    Optional<String> prefix = EcsApi.text(r, "AlarmNamePrefix");
    if (names.size() > 100) {
      throw validation(
          "1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100");
    }
    for (String n : names) {
      if (n.isEmpty() || n.length() > 255) {
        throw validation("Alarm names must have 1 to 255 characters.");
      }
    }
    if (!names.isEmpty() && prefix.isPresent()) {
      throw new AwsError(
          400,
          "InvalidParameterCombination",
          "AlarmNames and AlarmNamePrefix cannot be specified together.");
    }
    for (String unsupported :
        List.of("ChildrenOfAlarmName", "ParentsOfAlarmName", "ActionPrefix")) {
      if (r.has(unsupported)) {
        throw validation("The simulated CloudWatch does not filter by " + unsupported + ".");
      }
    }
    Optional<String> state = EcsApi.text(r, "StateValue");
    if (state.isPresent() && !STATES.contains(state.get())) {
      throw validation(
          "1 validation error detected: Value '"
              + state.get()
              + "' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
    }
    List<String> types = EcsApi.strings(r, "AlarmTypes");
    for (String t : types) {
      if (!t.equals("MetricAlarm") && !t.equals("CompositeAlarm")) {
        throw validation("AlarmTypes must be MetricAlarm or CompositeAlarm, got " + t + ".");
      }
    }
    Set<String> wanted = types.isEmpty() ? Set.of("MetricAlarm") : Set.copyOf(types);
    int max = r.path("MaxRecords").asInt(50);
    if (max < 1 || max > 100) {
      throw validation(
          "1 validation error detected: Value '"
              + max
              + "' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100");
    }
    List<Alarms.Alarm> matching =
        c.alarms().all().stream()
            .filter(a -> wanted.contains(a.type().wire))
            .filter(a -> names.isEmpty() || names.contains(a.name()))
            .filter(a -> prefix.map(p -> a.name().startsWith(p)).orElse(true))
            .filter(a -> state.map(s -> a.state().name().equals(s)).orElse(true))
            .toList();
    int from = Pages.from(r, "NextToken", "alarms", () -> invalidToken(r));
    ObjectNode out = Wire.JSON.createObjectNode();
    ArrayNode metric = out.putArray("MetricAlarms");
    ArrayNode composite = out.putArray("CompositeAlarms");
    int to = Math.min(matching.size(), from + max);
    for (Alarms.Alarm a : matching.subList(Math.min(from, to), to)) {
      ObjectNode n = (a.type() == Alarms.Type.METRIC_ALARM ? metric : composite).addObject();
      n.put("AlarmName", a.name()).put("AlarmArn", a.arn());
      n.set("AlarmConfigurationUpdatedTimestamp", Wire.time(a.created()));
      n.put("ActionsEnabled", true);
      n.put("StateValue", a.state().name()).put("StateReason", a.reason());
      n.set("StateUpdatedTimestamp", Wire.time(a.stateUpdated()));
      n.set("StateTransitionedTimestamp", Wire.time(a.stateUpdated()));
      if (a.type() == Alarms.Type.METRIC_ALARM) {
        n.put("MetricName", "Errors").put("Namespace", "Simulated").put("Statistic", "Sum");
        n.put("Period", 60).put("EvaluationPeriods", 1).put("Threshold", 1.0);
        n.put("ComparisonOperator", "GreaterThanOrEqualToThreshold");
      } else {
        n.put("AlarmRule", "FALSE");
      }
    }
    if (to < matching.size()) {
      out.put("NextToken", Pages.token("alarms", to));
    }
    return out;
  }

  private static AwsError invalidToken(JsonNode r) {
    return new AwsError(
        400, "InvalidNextToken", "The next token " + r.path("NextToken").asText() + " is invalid.");
  }

  private static AwsError validation(String message) {
    return new AwsError(400, "ValidationError", message);
  }
}
