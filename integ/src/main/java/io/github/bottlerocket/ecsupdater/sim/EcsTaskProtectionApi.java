package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * ECS task scale-in protection: {@code GetTaskProtection} and {@code UpdateTaskProtection}, at most
 * 10 tasks a call, {@code expiresInMinutes} 1 to 2,880 (default 120). A protection lapses in
 * virtual time at its expiry. Only service tasks can be protected; a standalone task is refused
 * with the failure reason {@code TASK_NOT_VALID} (assumed: AWS documents protection for service
 * tasks only).
 */
final class EcsTaskProtectionApi {
  private static final int MAX_TASKS = 10;
  private static final int DEFAULT_MINUTES = 120;
  private static final int MAX_MINUTES = 2880;

  private final SimulatedCluster c;

  EcsTaskProtectionApi(SimulatedCluster cluster) {
    this.c = cluster;
  }

  JsonNode handle(String operation, JsonNode r) {
    List<String> refs = EcsApi.strings(r, "tasks");
    if (refs.isEmpty()) {
      throw AwsError.invalidParameter("Tasks cannot be empty.");
    }
    if (refs.size() > MAX_TASKS) {
      throw AwsError.invalidParameter(
          "tasks can have at most " + MAX_TASKS + " elements (got " + refs.size() + ").");
    }
    Instant now = c.clock().instant();
    boolean update = operation.equals("UpdateTaskProtection");
    boolean enable = false;
    Duration length = Duration.ZERO;
    if (update) {
      if (!r.has("protectionEnabled")) {
        throw AwsError.invalidParameter("protectionEnabled is required.");
      }
      enable = r.path("protectionEnabled").asBoolean();
      int minutes = r.path("expiresInMinutes").asInt(DEFAULT_MINUTES);
      if (enable && (minutes < 1 || minutes > MAX_MINUTES)) {
        throw AwsError.invalidParameter(
            "expiresInMinutes must be between 1 and " + MAX_MINUTES + ", got " + minutes + ".");
      }
      length = Duration.ofMinutes(minutes);
    }
    ObjectNode out = Wire.JSON.createObjectNode();
    ArrayNode protectedTasks = out.putArray("protectedTasks");
    ArrayNode failures = out.putArray("failures");
    for (String ref : refs) {
      Optional<SimTask> found =
          c.tasks.stream().filter(t -> t.arn.equals(ref) || t.id.equals(ref)).findFirst();
      if (found.isEmpty() || !found.get().isLive()) {
        failures.addObject().put("arn", ref).put("reason", "MISSING");
        continue;
      }
      SimTask t = found.get();
      if (update) {
        if (t.isStandalone()) {
          failures
              .addObject()
              .put("arn", t.arn)
              .put("reason", "TASK_NOT_VALID")
              .put("detail", "Only tasks of a service can be protected from scale-in.");
          continue;
        }
        t.protectedUntil = enable ? now.plus(length) : null;
      }
      ObjectNode p = protectedTasks.addObject().put("taskArn", t.arn);
      boolean on = t.protectedUntil != null && now.isBefore(t.protectedUntil);
      p.put("protectionEnabled", on);
      if (on) {
        p.put("expirationDate", EcsApi.seconds(t.protectedUntil));
      }
    }
    return out;
  }
}
