package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.ClusterStatus;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decision function: from one {@link Observation} to the {@link Decision}s to carry out and a
 * report line per instance. Pure: no I/O, no clock (time comes in the observation).
 *
 * <p>Rules, in the order they are applied:
 *
 * <ol>
 *   <li>Instances with an update in progress advance first, each by the rule of its phase, later
 *       phases first.
 *   <li>Slots are counted from the observation, before any decision ({@link Slots}).
 *   <li>New downloads and new drains start only when every gate allows it ({@link Gates}). Steps of
 *       started updates always go on.
 *   <li>Queued instances take download slots before newly checked ones ({@link QueuedRule}, then
 *       {@link IdleRule}).
 * </ol>
 */
public final class Planner {

  /**
   * What the planner decided.
   *
   * @param decisions what to carry out, in order
   * @param reports one line per container instance, ordered as the observation
   * @param cluster the cluster-wide gates and counts
   */
  public record Plan(
      List<Decision> decisions, List<InstanceReport> reports, ClusterStatus cluster) {
    public Plan {
      decisions = List.copyOf(decisions);
      reports = List.copyOf(reports);
    }

    /** Whether any decision only gathers data, so the planner should run again before acting. */
    public boolean needsData() {
      return decisions.stream()
          .anyMatch(
              d ->
                  d instanceof Decision.InspectTasks
                      || d instanceof Decision.InspectServices
                      || d instanceof Decision.InspectTaskProtection
                      || d instanceof Decision.InspectAutoScaling
                      || d instanceof Decision.InspectGates);
    }
  }

  private Planner() {}

  /** Decides what to do about every instance in {@code observation}. */
  public static Plan plan(Observation observation) {
    PlanContext c = new PlanContext(observation);
    Map<String, InstanceReport> reports = new LinkedHashMap<>();
    List<Decision> decisions = new ArrayList<>();
    List<InstanceView> inFlight = new ArrayList<>();
    List<InstanceView> queued = new ArrayList<>();
    List<InstanceView> idle = new ArrayList<>();
    for (InstanceView v : observation.instances()) {
      reports.put(v.arn(), null);
      if (!v.instance().isBottlerocket()) {
        add(
            Step.of(
                v,
                Verdict.of(
                    Outcome.SKIPPED,
                    Reason.NOT_BOTTLEROCKET,
                    v.instance().attributes().containsKey(StateAttributes.FAILURE)
                        ? "it carries a "
                            + StateAttributes.FAILURE
                            + " attribute, which is ignored: only Bottlerocket hosts count against"
                            + " FAILURE_BUDGET"
                        : "",
                    "nothing: only Bottlerocket hosts are updated")),
            decisions,
            reports);
      } else if (v.unreadable().isPresent()) {
        add(
            Step.of(
                v,
                Verdict.of(
                    Outcome.FAILED,
                    Reason.STATE_UNREADABLE,
                    v.unreadable().get(),
                    "nothing until an operator fixes or deletes the attributes")),
            decisions,
            reports);
      } else if (v.phase().isEmpty()) {
        idle.add(v);
      } else if (v.phase().get() == Phase.QUEUED) {
        queued.add(v);
      } else {
        inFlight.add(v);
      }
    }
    if (c.gates().stop().isPresent()) {
      Block stop = c.gates().stop().get();
      for (List<InstanceView> group : List.of(inFlight, queued, idle)) {
        for (InstanceView v : group) {
          add(
              Step.of(
                  v,
                  Verdict.of(
                      v.phase().isPresent() ? Outcome.WAITING : Outcome.NOT_CHECKED,
                      stop.reason(),
                      stop.detail(),
                      "nothing changes until the control parameter says run or pause")),
              decisions,
              reports);
        }
      }
      return new Plan(
          decisions,
          List.copyOf(reports.values()),
          c.gates().cluster().with(Holds.of(c, reports.values())));
    }
    // Later phases first, so that finishing work is decided before new work; within a phase the
    // instance that has waited longest goes first.
    inFlight.sort(
        Comparator.comparing((InstanceView v) -> v.phase().orElseThrow())
            .reversed()
            .thenComparing(v -> v.record().orElseThrow().since())
            .thenComparing(InstanceView::arn));
    for (InstanceView v : inFlight) {
      add(rule(v, c), decisions, reports);
    }
    queued.sort(
        Comparator.comparing((InstanceView v) -> v.record().orElseThrow().since())
            .thenComparing(InstanceView::arn));
    for (InstanceView v : queued) {
      add(QueuedRule.decide(v, c), decisions, reports);
    }
    IdleRule.Batch batch = IdleRule.decide(idle, !queued.isEmpty(), c);
    decisions.addAll(batch.decisions());
    batch.steps().forEach(step -> add(step, decisions, reports));
    return new Plan(
        distinctReads(decisions),
        List.copyOf(reports.values()),
        c.gates().cluster().with(Holds.of(c, reports.values())));
  }

  private static Step rule(InstanceView v, PlanContext c) {
    return switch (v.phase().orElseThrow()) {
      case STAGING -> StagingRule.decide(v, c);
      case STAGED -> StagedRule.decide(v, c);
      case DRAINING -> DrainingRule.decide(v, c);
      case ACTIVATING -> ActivatingRule.decide(v, c);
      case REBOOTING -> RebootingRule.decide(v, c);
      case VERIFYING -> VerifyingRule.decide(v, c);
      case QUEUED -> QueuedRule.decide(v, c);
    };
  }

  private static void add(
      Step step, List<Decision> decisions, Map<String, InstanceReport> reports) {
    decisions.addAll(step.decisions());
    reports.put(step.instance().arn(), Lines.line(step.instance(), step.verdict()));
  }

  /**
   * The cluster's services are read once per plan, however many rules asked, and so are the rollout
   * gates' facts (one read for every release asked about).
   */
  private static List<Decision> distinctReads(List<Decision> decisions) {
    List<Decision> out = new ArrayList<>();
    boolean services = false;
    Set<String> releases = new LinkedHashSet<>();
    int gatesAt = -1;
    for (Decision d : decisions) {
      if (d instanceof Decision.InspectServices) {
        if (services) {
          continue;
        }
        services = true;
      }
      if (d instanceof Decision.InspectGates g) {
        releases.addAll(g.releases());
        if (gatesAt >= 0) {
          continue;
        }
        gatesAt = out.size();
      }
      out.add(d);
    }
    if (gatesAt >= 0) {
      out.set(gatesAt, new Decision.InspectGates(releases));
    }
    return out;
  }
}
