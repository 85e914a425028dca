package io.github.bottlerocket.ecsupdater.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.Json;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * Structured log lines, one JSON object per line, as CloudWatch Logs Insights reads them. Every
 * line carries the run id and cluster; lines about an instance carry its ARN, EC2 id, phases and
 * versions. One summary line ends each pass.
 */
public final class JsonLog implements PassListener {
  private static final ObjectMapper MAPPER = Json.MAPPER;

  private final PrintStream out;
  private final Clock clock;
  private String runId = "";
  private boolean dryRun;

  public JsonLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public void passStarted(String clusterArn, String runId, boolean dryRun) {
    this.runId = runId;
    this.dryRun = dryRun;
    ObjectNode n = line("INFO", dryRun ? "dry-run pass started" : "pass started", clusterArn);
    print(n);
  }

  @Override
  public void transition(Transition t) {
    ObjectNode n =
        line(t.kind() == Transition.Kind.FAILED ? "WARN" : "INFO", message(t), t.clusterArn());
    n.put("containerInstanceArn", t.containerInstanceArn());
    n.put("ec2InstanceId", t.ec2InstanceId());
    n.put("change", t.kind().name());
    n.put("fromPhase", t.from().map(Enum::name).orElse("IDLE"));
    n.put("phase", t.to().map(Enum::name).orElse("IDLE"));
    t.fromVersion().ifPresent(v -> n.put("fromVersion", v));
    t.targetVersion().ifPresent(v -> n.put("targetVersion", v));
    t.reason().ifPresent(v -> n.put("reason", v.name()));
    n.put("detail", t.detail());
    t.outOfService().ifPresent(d -> n.put("outOfServiceSeconds", d.toMillis() / 1000.0));
    print(n);
  }

  @Override
  public void stepFailed(
      String clusterArn, String containerInstanceArn, String step, String message) {
    ObjectNode n = line("WARN", "step failed: " + step, clusterArn);
    n.put("containerInstanceArn", containerInstanceArn);
    n.put("detail", message);
    print(n);
  }

  @Override
  public void passFinished(PassReport report) {
    ObjectNode n =
        line(report.error().isPresent() ? "ERROR" : "INFO", "pass finished", report.clusterArn());
    n.put("stopReason", report.stopReason().name());
    n.put("observations", report.observations());
    n.put("durationMs", report.finishedAt().toEpochMilli() - report.startedAt().toEpochMilli());
    n.put("changes", report.transitions().size());
    for (Map.Entry<Outcome, Integer> e : report.counts().entrySet()) {
      n.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue());
    }
    report
        .cluster()
        .ifPresent(
            c -> {
              n.put("circuitBreakerOpen", c.circuitBreakerOpen());
              n.put("outOfService", c.outOfService());
            });
    report.error().ifPresent(e -> n.put("error", e));
    report
        .lease()
        .ifPresent(
            l -> {
              n.put("leaseTable", l.table());
              n.put("leaseRunId", l.runId());
              n.put("leaseHolder", l.holder());
              n.put("leaseExpiresAt", l.expiresAt().toString());
            });
    print(n);
  }

  @Override
  public void noted(String message) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("timestamp", clock.instant().toString());
    n.put("level", "WARN");
    n.put("message", "request: " + message);
    print(n);
  }

  private static String message(Transition t) {
    String who = t.ec2InstanceId().isEmpty() ? t.containerInstanceArn() : t.ec2InstanceId();
    return who
        + ": "
        + t.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + t.targetVersion()
            .map(v -> " (" + t.fromVersion().orElse("?") + " -> " + v + ")")
            .orElse("");
  }

  private ObjectNode line(String level, String message, String clusterArn) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("timestamp", clock.instant().toString());
    n.put("level", level);
    n.put("message", message);
    n.put("runId", runId);
    n.put("cluster", clusterName(clusterArn));
    n.put("clusterArn", clusterArn);
    if (dryRun) {
      n.put("dryRun", true);
    }
    return n;
  }

  static String clusterName(String clusterArn) {
    int slash = clusterArn.lastIndexOf('/');
    return slash < 0 ? clusterArn : clusterArn.substring(slash + 1);
  }

  private void print(ObjectNode n) {
    synchronized (out) {
      out.println(n.toString());
    }
  }
}
