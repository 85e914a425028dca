package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Cause;
import io.github.bottlerocket.ecsupdater.engine.ClusterStatus;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.RolloutStatus;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.Hold;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.RolloutGates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The report's summary of the gates: which gate holds which instances, and until when, read from
 * the instance lines of one plan, so that it says exactly what the lines say.
 */
final class Holds {
  /** The reasons that are gates (not slots, capacity or the instance's own state). */
  static final Set<Reason> GATES =
      Set.of(
          Reason.STOPPED,
          Reason.PAUSED,
          Reason.WINDOW_CLOSED,
          Reason.CIRCUIT_BREAKER_OPEN,
          Reason.CALENDAR_CLOSED,
          Reason.ALARM_NOT_OK,
          Reason.VERSION_ABOVE_MAX,
          Reason.RELEASE_TOO_YOUNG,
          Reason.NOT_PROMOTED,
          Reason.BAKING);

  private Holds() {}

  private record Key(Cause reason, String detail) {}

  static RolloutStatus of(PlanContext c, Collection<InstanceReport> lines) {
    Observation o = c.observation();
    ClusterStatus cluster = c.gates().cluster();
    List<Hold> held = c.held().stream().map(PlanContext.Held::hold).toList();
    Map<Key, List<String>> groups = new LinkedHashMap<>();
    for (InstanceReport line : lines) {
      Optional<Cause> reason = line.reason();
      if (reason.isEmpty() || !(reason.get() instanceof Reason r) || !GATES.contains(r)) {
        continue;
      }
      groups
          .computeIfAbsent(new Key(r, line.detail()), k -> new ArrayList<>())
          .add(line.ec2InstanceId().isEmpty() ? line.containerInstanceArn() : line.ec2InstanceId());
    }
    List<RolloutStatus.HeldGroup> out = new ArrayList<>();
    groups.forEach(
        (k, instances) ->
            out.add(
                new RolloutStatus.HeldGroup(
                    k.reason(), k.detail(), until(k, held, cluster), instances)));
    return new RolloutStatus(
        o.settings().maxConcurrent().toString(),
        o.bottlerocketInstances(),
        RolloutGates.describe(o, held),
        out,
        o.gates().problems());
  }

  private static Optional<Instant> until(Key k, List<Hold> held, ClusterStatus cluster) {
    if (k.reason() == Reason.WINDOW_CLOSED) {
      return cluster.windowOpensAt();
    }
    return held.stream()
        .filter(h -> h.reason() == k.reason() && k.detail().startsWith(h.detail()))
        .findFirst()
        .flatMap(Hold::until);
  }
}
