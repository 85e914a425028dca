package io.github.bottlerocket.ecsupdater.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.Json;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EventPort;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sends an EventBridge event for every change the updater makes, every failure, and the end of
 * every pass. A dry run sends only its pass summary. A failed send is logged and never affects an
 * update. The schema is documented in {@code docs/events.md}.
 */
public final class EventPublisher implements PassListener {
  /** detail-type of a phase change. */
  public static final String PHASE_CHANGED = "Bottlerocket Update Phase Changed";

  /** detail-type of a failure. */
  public static final String FAILED = "Bottlerocket Update Failed";

  /** detail-type of a pass summary. */
  public static final String PASS_FINISHED = "Bottlerocket Updater Pass Finished";

  private static final ObjectMapper MAPPER = Json.MAPPER;

  private final EventPort events;
  private final List<EventPort.UpdaterEvent> pending = new ArrayList<>();
  private final PrintStream log;
  private String runId = "";
  private boolean dryRun;

  public EventPublisher(EventPort events, PrintStream log) {
    this.events = events;
    this.log = log;
  }

  @Override
  public void passStarted(String clusterArn, String runId, boolean dryRun) {
    this.runId = runId;
    this.dryRun = dryRun;
  }

  @Override
  public void transition(Transition t) {
    if (dryRun) {
      return;
    }
    pending.add(
        new EventPort.UpdaterEvent(
            t.kind() == Transition.Kind.FAILED ? FAILED : PHASE_CHANGED,
            List.of(t.containerInstanceArn()),
            detail(t, runId).toString()));
  }

  /** Sends the changes of the plan just carried out, up to ten events to a call. */
  @Override
  public void flush() {
    if (!pending.isEmpty()) {
      List<EventPort.UpdaterEvent> batch = List.copyOf(pending);
      pending.clear();
      send(batch);
    }
  }

  @Override
  public void passFinished(PassReport report) {
    pending.add(
        new EventPort.UpdaterEvent(
            PASS_FINISHED, List.of(report.clusterArn()), summary(report).toString()));
    flush();
  }

  /** The detail of a phase-change or failure event. */
  public static ObjectNode detail(Transition t, String runId) {
    ObjectNode d = MAPPER.createObjectNode();
    d.put("cluster", JsonLog.clusterName(t.clusterArn()));
    d.put("clusterArn", t.clusterArn());
    d.put("runId", runId);
    d.put("containerInstanceArn", t.containerInstanceArn());
    d.put("ec2InstanceId", t.ec2InstanceId());
    d.put("change", t.kind().name());
    d.put("fromPhase", t.from().map(Enum::name).orElse("IDLE"));
    d.put("phase", t.to().map(Enum::name).orElse("IDLE"));
    t.fromVersion().ifPresent(v -> d.put("fromVersion", v));
    t.targetVersion().ifPresent(v -> d.put("targetVersion", v));
    t.reason().ifPresent(v -> d.put("reason", v.name()));
    d.put("detail", t.detail());
    t.outOfService().ifPresent(x -> d.put("outOfServiceSeconds", x.toMillis() / 1000.0));
    d.put("time", t.at().toString());
    return d;
  }

  /** The detail of a pass-summary event. */
  public static ObjectNode summary(PassReport r) {
    ObjectNode d = MAPPER.createObjectNode();
    d.put("cluster", JsonLog.clusterName(r.clusterArn()));
    d.put("clusterArn", r.clusterArn());
    d.put("runId", r.runId());
    d.put("dryRun", r.dryRun());
    d.put("stopReason", r.stopReason().name());
    d.put("startedAt", r.startedAt().toString());
    d.put("finishedAt", r.finishedAt().toString());
    d.put("changes", r.transitions().size());
    ObjectNode counts = d.putObject("instances");
    for (Map.Entry<Outcome, Integer> e : r.counts().entrySet()) {
      counts.put(e.getKey().name(), e.getValue());
    }
    r.cluster()
        .ifPresent(
            c -> {
              d.put("circuitBreakerOpen", c.circuitBreakerOpen());
              d.put("failuresAgainstBudget", c.budgetFailures());
              d.put("outOfService", c.outOfService());
            });
    r.error().ifPresent(e -> d.put("error", e));
    if (!r.faults().isEmpty()) {
      d.put("faults", r.faults().stream().mapToInt(PassReport.Fault::count).sum());
    }
    r.lease()
        .ifPresent(
            l ->
                d.putObject("lease")
                    .put("table", l.table())
                    .put("runId", l.runId())
                    .put("holder", l.holder())
                    .put("expiresAt", l.expiresAt().toString()));
    return d;
  }

  private void send(List<EventPort.UpdaterEvent> batch) {
    String types =
        batch.stream()
            .map(EventPort.UpdaterEvent::detailType)
            .distinct()
            .collect(Collectors.joining("', '"));
    try {
      int refused = events.publish(batch);
      if (refused > 0) {
        warn(
            "EventBridge refused " + refused + " of " + batch.size() + " events ('" + types + "')");
      }
    } catch (AwsFault | IllegalStateException e) {
      warn("could not send " + batch.size() + " event(s) ('" + types + "'): " + e.getMessage());
    }
  }

  private void warn(String message) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("level", "WARN");
    n.put("message", message);
    n.put("runId", runId);
    synchronized (log) {
      log.println(n.toString());
    }
  }
}
