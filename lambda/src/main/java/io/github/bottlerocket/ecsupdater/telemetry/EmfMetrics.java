package io.github.bottlerocket.ecsupdater.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.Json;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudWatch metrics in the embedded metric format: JSON documents on standard output that
 * CloudWatch Logs turns into metrics, without an API call.
 *
 * <p>Dimensions stay low-cardinality: the cluster name, plus a skip reason or a Bottlerocket
 * version where the metric is about those. Pass-level metrics are also written without dimensions,
 * so one alarm covers every cluster the function manages.
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>unit</th><th>dimensions</th><th>per</th></tr>
 *   <tr><td>UpdatesSucceeded, UpdatesFailed, UpdatesInProgress, InstancesWaiting,
 *       InstancesOutOfService, FailuresAgainstBudget, CircuitBreakerOpen, PassErrors,
 *       InstancesHeldByTaskProtection, ScaleInShieldFailures</td>
 *       <td>Count</td><td>Cluster; none</td><td>pass</td></tr>
 *   <tr><td>PassDuration</td><td>Seconds</td><td>Cluster; none</td><td>pass</td></tr>
 *   <tr><td>InstancesSkipped</td><td>Count</td><td>Cluster, Reason</td><td>pass</td></tr>
 *   <tr><td>InstancesHeld</td><td>Count</td><td>Cluster, Reason</td><td>pass with a gate holding</td></tr>
 *   <tr><td>HostsOnVersion</td><td>Count</td><td>Cluster, Version</td><td>pass that read versions</td></tr>
 *   <tr><td>AwsFaults</td><td>Count</td><td>Cluster, Operation</td><td>pass with faults</td></tr>
 *   <tr><td>DrainTime, OutOfServiceTime</td><td>Seconds</td><td>Cluster; none</td><td>update</td></tr>
 * </table>
 */
public final class EmfMetrics implements PassListener {
  /** The dimension that carries the cluster name. */
  public static final String CLUSTER = "Cluster";

  /** Updates that completed in a pass. */
  public static final String UPDATES_SUCCEEDED = "UpdatesSucceeded";

  /** Updates that failed in a pass; the deployed stack alarms on it. */
  public static final String UPDATES_FAILED = "UpdatesFailed";

  /** Instances with an update under way at the end of a pass. */
  public static final String UPDATES_IN_PROGRESS = "UpdatesInProgress";

  /** 1 while the cluster's failure budget is spent, else 0; the deployed stack alarms on it. */
  public static final String CIRCUIT_BREAKER_OPEN = "CircuitBreakerOpen";

  /** Instances a gate holds back, by the gate's reason. */
  public static final String INSTANCES_HELD = "InstancesHeld";

  /** Passes stopped by a fault. */
  public static final String PASS_ERRORS = "PassErrors";

  /**
   * Instances whose drain waits for the scale-in protection of their tasks to end; a cluster that
   * shows one for hours has a task that keeps renewing its protection.
   */
  public static final String HELD_BY_TASK_PROTECTION = "InstancesHeldByTaskProtection";

  /**
   * Scale-in protections Auto Scaling would not set before a drain (the drain did not start) or
   * clear after it (the instance stays protected); any is worth an alarm: the role or the group's
   * tag is wrong.
   */
  public static final String SCALE_IN_SHIELD_FAILURES = "ScaleInShieldFailures";

  private static final ObjectMapper MAPPER = Json.MAPPER;

  private final PrintStream out;
  private final Clock clock;
  private final String namespace;

  public EmfMetrics(PrintStream out, Clock clock, String namespace) {
    this.out = out;
    this.clock = clock;
    this.namespace = namespace;
  }

  @Override
  public void transition(Transition t) {
    String cluster = JsonLog.clusterName(t.clusterArn());
    if (t.kind() == Transition.Kind.ACTIVATION_STARTED
        && t.from().filter(p -> p == Phase.DRAINING).isPresent()) {
      t.phaseDuration()
          .ifPresent(
              d -> emit(cluster, Map.of(), Map.of("DrainTime", seconds(d)), "Seconds", true));
    }
    if (t.kind() == Transition.Kind.UPDATED || t.kind() == Transition.Kind.FAILED) {
      t.outOfService()
          .ifPresent(
              d ->
                  emit(cluster, Map.of(), Map.of("OutOfServiceTime", seconds(d)), "Seconds", true));
    }
  }

  @Override
  public void passFinished(PassReport report) {
    String cluster = JsonLog.clusterName(report.clusterArn());
    Map<Outcome, Integer> counts = report.counts();
    Map<String, Number> pass = new LinkedHashMap<>();
    pass.put(UPDATES_SUCCEEDED, counts.get(Outcome.UPDATED));
    pass.put(
        UPDATES_FAILED,
        report.transitions().stream().filter(t -> t.kind() == Transition.Kind.FAILED).count());
    pass.put(UPDATES_IN_PROGRESS, counts.get(Outcome.IN_PROGRESS));
    pass.put("InstancesWaiting", counts.get(Outcome.WAITING));
    pass.put(PASS_ERRORS, report.error().isPresent() ? 1 : 0);
    pass.put(
        HELD_BY_TASK_PROTECTION,
        report.instances().stream()
            .filter(i -> i.reason().filter(r -> r == Reason.TASK_PROTECTED).isPresent())
            .count());
    pass.put(
        SCALE_IN_SHIELD_FAILURES,
        report.transitions().stream()
                .filter(
                    t ->
                        t.reason()
                            .filter(r -> r == FailureReason.SCALE_IN_SHIELD_FAILED)
                            .isPresent())
                .count()
            + report.faults().stream()
                .filter(f -> f.operation().equals("autoscaling:SetInstanceProtection"))
                .filter(f -> !AwsFault.Kind.valueOf(f.kind()).isTransient())
                .mapToInt(PassReport.Fault::count)
                .sum());
    report
        .cluster()
        .ifPresent(
            c -> {
              pass.put("InstancesOutOfService", c.outOfService());
              pass.put("FailuresAgainstBudget", c.budgetFailures());
              pass.put(CIRCUIT_BREAKER_OPEN, c.circuitBreakerOpen() ? 1 : 0);
            });
    if (report.dryRun()) {
      // A dry run changes nothing; its counts would double those of real passes.
      return;
    }
    emit(cluster, Map.of(), pass, "Count", true);
    emit(
        cluster,
        Map.of(),
        Map.of("PassDuration", seconds(Duration.between(report.startedAt(), report.finishedAt()))),
        "Seconds",
        true);

    Map<String, Integer> skipped = new TreeMap<>();
    Map<String, Integer> versions = new TreeMap<>();
    for (InstanceReport i : report.instances()) {
      if (i.outcome() == Outcome.SKIPPED) {
        skipped.merge(i.reason().map(r -> r.name()).orElse("UNKNOWN"), 1, Integer::sum);
      }
      if (i.variant().isPresent()) {
        i.runningVersion().ifPresent(v -> versions.merge(v, 1, Integer::sum));
      }
    }
    skipped.forEach(
        (reason, n) ->
            emit(cluster, Map.of("Reason", reason), Map.of("InstancesSkipped", n), "Count", false));
    // Instances a gate holds back (window, pause, breaker, calendar, alarm, version, bake): how
    // long a rollout has been held is what an operator alarms on.
    Map<String, Integer> held = new TreeMap<>();
    report
        .cluster()
        .ifPresent(
            c ->
                c.rollout()
                    .holds()
                    .forEach(
                        h -> held.merge(h.reason().name(), h.instances().size(), Integer::sum)));
    held.forEach(
        (reason, n) ->
            emit(cluster, Map.of("Reason", reason), Map.of(INSTANCES_HELD, n), "Count", false));
    versions.forEach(
        (version, n) ->
            emit(cluster, Map.of("Version", version), Map.of("HostsOnVersion", n), "Count", false));
    Map<String, Integer> faults = new TreeMap<>();
    report.faults().forEach(f -> faults.merge(f.operation(), f.count(), Integer::sum));
    faults.forEach(
        (operation, n) ->
            emit(cluster, Map.of("Operation", operation), Map.of("AwsFaults", n), "Count", false));
  }

  /**
   * Writes one EMF document.
   *
   * @param extra dimensions besides Cluster
   * @param alsoWithoutDimensions also publish the metrics without any dimension
   */
  private void emit(
      String cluster,
      Map<String, String> extra,
      Map<String, ? extends Number> metrics,
      String unit,
      boolean alsoWithoutDimensions) {
    ObjectNode doc = MAPPER.createObjectNode();
    ObjectNode aws = doc.putObject("_aws");
    aws.put("Timestamp", clock.millis());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", namespace);
    ArrayNode dimensionSets = directive.putArray("Dimensions");
    ArrayNode withCluster = dimensionSets.addArray();
    withCluster.add(CLUSTER);
    extra.keySet().forEach(withCluster::add);
    if (alsoWithoutDimensions) {
      dimensionSets.addArray();
    }
    ArrayNode defs = directive.putArray("Metrics");
    for (String name : metrics.keySet()) {
      defs.addObject().put("Name", name).put("Unit", unit);
    }
    doc.put(CLUSTER, cluster);
    extra.forEach(doc::put);
    metrics.forEach((name, value) -> doc.put(name, value.doubleValue()));
    synchronized (out) {
      out.println(doc.toString());
    }
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /** The metric names, for documentation and tests. */
  public static final List<String> PASS_METRICS =
      List.of(
          UPDATES_SUCCEEDED,
          UPDATES_FAILED,
          UPDATES_IN_PROGRESS,
          "InstancesWaiting",
          PASS_ERRORS,
          HELD_BY_TASK_PROTECTION,
          SCALE_IN_SHIELD_FAILURES,
          "InstancesOutOfService",
          "FailuresAgainstBudget",
          CIRCUIT_BREAKER_OPEN);
}
