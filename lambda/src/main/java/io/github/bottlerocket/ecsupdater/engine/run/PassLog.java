package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.engine.Cause;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import io.github.bottlerocket.ecsupdater.engine.plan.Planner;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What one pass did, as it goes: every transition (also told to the listener), the lines of
 * instances whose update ended in this pass, steps that failed, and the last plan. {@link #finish}
 * makes the report from it.
 */
final class PassLog {
  private static final Logger LOG = Logger.getLogger(PassLog.class.getName());

  private final String clusterRef;
  private final String runId;
  private final PassOptions options;
  private final Instant startedAt;
  private final PassListener listener;
  private final Clock clock;

  private Optional<ClusterInfo> cluster = Optional.empty();
  private final List<Transition> transitions = new ArrayList<>();
  private final Map<String, InstanceReport> finalLines = new HashMap<>();
  private final Map<String, String> stepErrors = new HashMap<>();
  private final Set<String> refused = new HashSet<>();
  private final Map<String, Integer> faults = new LinkedHashMap<>();
  private final Map<String, String> deferred = new LinkedHashMap<>();
  private Planner.Plan lastPlan;
  private int observations;
  private Optional<ClusterLease.LeaseStatus> lease = Optional.empty();

  PassLog(
      String clusterRef,
      String runId,
      PassOptions options,
      Instant startedAt,
      PassListener listener,
      Clock clock) {
    this.clusterRef = clusterRef;
    this.runId = runId;
    this.options = options;
    this.startedAt = startedAt;
    this.listener = listener;
    this.clock = clock;
  }

  void cluster(ClusterInfo described) {
    cluster = Optional.of(described);
    safely(() -> listener.passStarted(described.arn(), runId, options.dryRun()));
  }

  private String clusterArn() {
    return cluster.map(ClusterInfo::arn).orElse(clusterRef);
  }

  /** The lease the pass holds, or the one that keeps it out. */
  void lease(ClusterLease.LeaseStatus status) {
    lease = Optional.of(status);
  }

  /** One more observation, and the plan made on it. */
  void planned(Planner.Plan plan) {
    observations++;
    lastPlan = plan;
  }

  /** The plan that was made last. */
  Planner.Plan lastPlan() {
    return lastPlan;
  }

  /** A plan was carried out; batching listeners may send what they hold. */
  void flush() {
    safely(listener::flush);
  }

  /**
   * Reports a change to {@code v}, which leaves the phase it was observed in for {@code to}.
   *
   * @param change what was decided
   * @param to the phase afterwards, as carried out
   * @param from the version the host ran when the update began
   * @param target the version the update moves to
   * @param detail specifics
   * @param outOfService how long the instance was out of service, for an update that ended
   */
  Transition transition(
      Decision.Change change,
      Optional<Phase> to,
      Optional<String> from,
      Optional<String> target,
      String detail,
      Optional<Duration> outOfService,
      Instant now) {
    InstanceView v = change.instance();
    return transition(
        v, change.kind(), to, from, target, change.cause(), detail, outOfService, now);
  }

  private Transition transition(
      InstanceView v,
      Transition.Kind kind,
      Optional<Phase> to,
      Optional<String> from,
      Optional<String> target,
      Optional<Cause> reason,
      String detail,
      Optional<Duration> outOfService,
      Instant now) {
    Optional<Phase> was = v.phase();
    Optional<Duration> inPhase =
        was.isPresent() && !options.dryRun()
            ? v.record().map(r -> Duration.between(r.since(), now))
            : Optional.empty();
    Transition t =
        new Transition(
            now,
            clusterArn(),
            v.arn(),
            v.ec2InstanceId(),
            kind,
            was,
            to,
            from,
            target,
            reason,
            detail,
            outOfService,
            inPhase);
    transitions.add(t);
    safely(() -> listener.transition(t));
    return t;
  }

  /** In a dry run: the change a real pass would make, reported instead of made. */
  void wouldDo(Decision.Change d, Instant now) {
    String note = d.note();
    transition(
        d.instance(),
        d.kind(),
        d.to(),
        d.fromVersion(),
        d.targetVersion(),
        d.cause(),
        would(d.kind()) + (note.isEmpty() ? "" : ": " + note),
        Optional.empty(),
        now);
  }

  private static String would(Transition.Kind kind) {
    return switch (kind) {
      case QUEUED -> "would queue the update";
      case STAGING_STARTED -> "would start the download";
      case STAGED -> "would record the staged update";
      case DRAIN_STARTED -> "would set the instance DRAINING";
      case DRAIN_REVERTED -> "would return to staged";
      case ACTIVATION_STARTED -> "would activate the update";
      case REBOOT_SENT -> "would reboot";
      case VERIFICATION_STARTED -> "would read the running version";
      case COMMAND_RESENT -> "would send the step's command again";
      case UPDATED -> "would set ACTIVE";
      case FAILED -> "would record the failure";
      case RELEASED -> "would remove the record";
      case CHECK_FAILED -> "would record the failed update check";
      case CHECK_RECOVERED -> "would delete the record of the failed update checks";
    };
  }

  /** The line of an instance whose update ended in this pass, in place of the plan's. */
  void finalLine(InstanceReport line) {
    finalLines.put(line.containerInstanceArn(), line);
  }

  /** A step failed on AWS; the next observation decides again. */
  void stepFailed(String arn, String step, AwsFault fault) {
    fault(fault);
    if (!fault.kind().isTransient()) {
      refused.add(arn);
    }
    stepErrors.put(arn, fault.getMessage());
    safely(() -> listener.stepFailed(clusterArn(), arn, step, fault.getMessage()));
  }

  /** Whether AWS refused a step on {@code arn} in this pass in a way retrying cannot fix. */
  boolean refused(String arn) {
    return refused.contains(arn);
  }

  /** An AWS call failed after the SDK's retries; counted by operation and kind for the report. */
  void fault(AwsFault fault) {
    faults.merge(fault.operation() + " " + fault.kind().name(), 1, Integer::sum);
  }

  /**
   * The pass ran out of time before it could carry out what it decided about {@code arn}: its line
   * says so, and the next pass continues.
   */
  void deferred(String arn, String what) {
    deferred.putIfAbsent(arn, what);
  }

  PassReport finish(PassReport.StopReason stop, Optional<String> error) {
    List<InstanceReport> lines = new ArrayList<>();
    if (lastPlan != null) {
      for (InstanceReport line : lastPlan.reports()) {
        InstanceReport terminal = finalLines.get(line.containerInstanceArn());
        if (terminal != null
            && (line.outcome() == Outcome.NOT_CHECKED
                || line.outcome() == Outcome.SKIPPED
                || line.outcome() == Outcome.UP_TO_DATE)) {
          line = terminal;
        }
        String postponed = deferred.get(line.containerInstanceArn());
        if (postponed != null) {
          line =
              new InstanceReport(
                  line.containerInstanceArn(),
                  line.ec2InstanceId(),
                  line.ecsStatus(),
                  line.variant(),
                  line.runningVersion(),
                  line.targetVersion(),
                  line.phase(),
                  line.outcome(),
                  Optional.of(Reason.DEADLINE),
                  "the pass ran out of time before " + postponed,
                  "the next pass continues");
        }
        String stepError = stepErrors.get(line.containerInstanceArn());
        if (stepError != null) {
          line =
              new InstanceReport(
                  line.containerInstanceArn(),
                  line.ec2InstanceId(),
                  line.ecsStatus(),
                  line.variant(),
                  line.runningVersion(),
                  line.targetVersion(),
                  line.phase(),
                  line.outcome(),
                  line.reason(),
                  (line.detail() + "; last step failed: " + stepError).strip(),
                  line.next());
        }
        lines.add(line);
      }
    }
    PassReport report =
        new PassReport(
            clusterArn(),
            runId,
            options.dryRun(),
            startedAt,
            clock.instant(),
            stop,
            observations,
            lastPlan == null ? Optional.empty() : Optional.of(lastPlan.cluster()),
            lines,
            transitions,
            error,
            faults.entrySet().stream()
                .map(
                    e -> {
                      String[] k = e.getKey().split(" ", 2);
                      return new PassReport.Fault(k[0], k[1], e.getValue());
                    })
                .toList(),
            lease);
    safely(() -> listener.passFinished(report));
    return report;
  }

  static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a pass listener failed; ignored", e);
    }
  }
}
