package io.github.bottlerocket.ecsupdater.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.Json;
import io.github.bottlerocket.ecsupdater.engine.ClusterStatus;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.RolloutStatus;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Writes pass reports as the JSON that the handler returns and the runner prints. */
public final class ReportJson {
  private static final ObjectMapper MAPPER = Json.MAPPER;

  private ReportJson() {}

  /** The handler's reply: one report per cluster. */
  public static ObjectNode reply(List<PassReport> reports, Optional<String> ignoredBecause) {
    return reply(reports, ignoredBecause, List.of());
  }

  /**
   * The handler's reply: one report per cluster, and what the request asked that was not done as
   * written.
   */
  public static ObjectNode reply(
      List<PassReport> reports, Optional<String> ignoredBecause, List<String> notes) {
    ObjectNode root = MAPPER.createObjectNode();
    ignoredBecause.ifPresent(r -> root.put("ignored", r));
    if (!notes.isEmpty()) {
      ArrayNode n = root.putArray("notes");
      notes.forEach(n::add);
    }
    ArrayNode list = root.putArray("reports");
    reports.forEach(r -> list.add(report(r)));
    return root;
  }

  /**
   * The reply of a tick that was fanned out: the queue, the clusters sent to it, and any that SQS
   * did not take.
   */
  public static ObjectNode fannedOut(
      String queueUrl, List<String> clusters, List<String> problems, List<String> notes) {
    ObjectNode root = MAPPER.createObjectNode();
    if (!notes.isEmpty()) {
      notes.forEach(root.putArray("notes")::add);
    }
    root.put("fanOutQueue", queueUrl);
    clusters.forEach(root.putArray("fannedOut")::add);
    if (!problems.isEmpty()) {
      problems.forEach(root.putArray("notSent")::add);
    }
    root.putArray("reports");
    return root;
  }

  /** Lambda's partial batch response for an SQS event source: the messages to deliver again. */
  public static ArrayNode batchItemFailures(List<String> messageIds) {
    ArrayNode a = MAPPER.createArrayNode();
    messageIds.forEach(id -> a.addObject().put("itemIdentifier", id));
    return a;
  }

  public static ObjectNode report(PassReport r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("cluster", r.clusterArn());
    n.put("runId", r.runId());
    n.put("dryRun", r.dryRun());
    n.put("startedAt", r.startedAt().toString());
    n.put("finishedAt", r.finishedAt().toString());
    n.put("stopReason", r.stopReason().name());
    n.put("observations", r.observations());
    r.error().ifPresent(e -> n.put("error", e));
    r.lease()
        .ifPresent(
            l -> {
              ObjectNode lease = n.putObject("lease");
              lease.put("table", l.table());
              lease.put("runId", l.runId());
              lease.put("holder", l.holder());
              lease.put("expiresAt", l.expiresAt().toString());
              if (r.stopReason() == PassReport.StopReason.CLUSTER_BUSY) {
                n.put("detail", LeaseKeeper.busy(l));
              }
            });
    r.cluster().ifPresent(c -> n.set("gates", gates(c)));
    ObjectNode counts = n.putObject("summary");
    for (Map.Entry<Outcome, Integer> e : r.counts().entrySet()) {
      counts.put(e.getKey().name(), e.getValue());
    }
    ArrayNode instances = n.putArray("instances");
    r.instances().forEach(i -> instances.add(instance(i)));
    ArrayNode changes = n.putArray(r.dryRun() ? "plannedChanges" : "changes");
    r.transitions().forEach(t -> changes.add(transition(t)));
    if (!r.faults().isEmpty()) {
      ArrayNode faults = n.putArray("faults");
      for (PassReport.Fault f : r.faults()) {
        faults
            .addObject()
            .put("operation", f.operation())
            .put("kind", f.kind())
            .put("count", f.count());
      }
    }
    return n;
  }

  private static ObjectNode gates(ClusterStatus c) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("stopped", c.stopped());
    n.put("paused", c.paused());
    n.put("maintenanceWindowOpen", c.windowOpen());
    c.windowOpensAt().ifPresent(t -> n.put("maintenanceWindowOpensAt", t.toString()));
    n.put("circuitBreakerOpen", c.circuitBreakerOpen());
    n.put("failuresAgainstBudget", c.budgetFailures());
    if (!c.budgetHolders().isEmpty()) {
      c.budgetHolders().forEach(n.putArray("failuresAgainstBudgetHeldBy")::add);
    }
    n.put("failureBudget", c.failureBudget());
    n.put("outOfService", c.outOfService());
    n.put("maxConcurrent", c.maxConcurrent());
    RolloutStatus r = c.rollout();
    if (!r.maxConcurrent().equals(Integer.toString(c.maxConcurrent()))) {
      // A share of the cluster: the setting, and the number it gives for this cluster now.
      n.put("maxConcurrentSetting", r.maxConcurrent());
      n.put("bottlerocketInstances", r.bottlerocketInstances());
    }
    c.nextCheck().ifPresent(t -> n.put("nextCheckAfter", t.toString()));
    if (!r.gates().isEmpty()) {
      ArrayNode gates = n.putArray("rolloutGates");
      for (RolloutStatus.GateState g : r.gates()) {
        ObjectNode o = gates.addObject().put("gate", g.gate()).put("holding", g.holding());
        o.put("detail", g.detail());
        g.until().ifPresent(t -> o.put("until", t.toString()));
      }
    }
    if (!r.holds().isEmpty()) {
      ArrayNode holds = n.putArray("holds");
      for (RolloutStatus.HeldGroup h : r.holds()) {
        ObjectNode o = holds.addObject().put("reason", h.reason().name()).put("detail", h.detail());
        h.until().ifPresent(t -> o.put("until", t.toString()));
        h.instances().forEach(o.putArray("instances")::add);
      }
    }
    if (!r.problems().isEmpty()) {
      r.problems().forEach(n.putArray("problems")::add);
    }
    return n;
  }

  public static ObjectNode instance(InstanceReport i) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("containerInstanceArn", i.containerInstanceArn());
    n.put("ec2InstanceId", i.ec2InstanceId());
    n.put("ecsStatus", i.ecsStatus());
    i.variant().ifPresent(v -> n.put("variant", v));
    i.runningVersion().ifPresent(v -> n.put("runningVersion", v));
    i.targetVersion().ifPresent(v -> n.put("targetVersion", v));
    i.phase().ifPresent(p -> n.put("phase", p.name()));
    n.put("outcome", i.outcome().name());
    i.reason().ifPresent(r -> n.put("reason", r.name()));
    if (!i.detail().isEmpty()) {
      n.put("detail", i.detail());
    }
    n.put("next", i.next());
    return n;
  }

  public static ObjectNode transition(Transition t) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("at", t.at().toString());
    n.put("containerInstanceArn", t.containerInstanceArn());
    n.put("ec2InstanceId", t.ec2InstanceId());
    n.put("change", t.kind().name());
    t.from().ifPresent(p -> n.put("fromPhase", p.name()));
    t.to().ifPresent(p -> n.put("toPhase", p.name()));
    t.fromVersion().ifPresent(v -> n.put("fromVersion", v));
    t.targetVersion().ifPresent(v -> n.put("targetVersion", v));
    t.reason().ifPresent(v -> n.put("reason", v.name()));
    n.put("detail", t.detail());
    t.outOfService().ifPresent(d -> n.put("outOfServiceSeconds", d.toMillis() / 1000.0));
    return n;
  }
}
