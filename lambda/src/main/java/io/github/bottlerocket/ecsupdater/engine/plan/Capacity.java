package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Whether the other ACTIVE instances can take the tasks a drain would move.
 *
 * <p>Each task to move must fit, whole, into the free CPU and memory of one other ACTIVE instance
 * with a connected agent (first fit, largest task first). Tasks still waiting to leave instances
 * that are already out of service are placed first, so two drains never count on the same room.
 * Placement constraints, port conflicts and capacity providers that would add instances are not
 * modelled; the check errs on the side of waiting.
 */
final class Capacity {

  /** The verdict, with a sentence for the report when the tasks do not fit. */
  record Verdict(boolean fits, String detail) {}

  private Capacity() {}

  /**
   * @param draining instances to count as out of service besides those the observation shows:
   *     drains already granted earlier in the same plan
   */
  static Verdict check(
      InstanceView candidate,
      List<TaskInfo> candidateTasks,
      Observation o,
      Set<String> daemonServices,
      Set<String> draining) {
    List<Resources> bins = new ArrayList<>();
    List<TaskInfo> toPlace = new ArrayList<>();
    for (InstanceView v : o.instances()) {
      if (v.arn().equals(candidate.arn())) {
        continue;
      }
      boolean out =
          v.phase().map(Phase::isOutOfService).orElse(false) || draining.contains(v.arn());
      if (out) {
        toPlace.addAll(movable(o.tasks().getOrDefault(v.arn(), List.of()), daemonServices));
      } else if (v.instance().status() == InstanceStatus.ACTIVE && v.instance().agentConnected()) {
        bins.add(v.instance().remaining());
      }
    }
    List<TaskInfo> own = movable(candidateTasks, daemonServices);
    toPlace.addAll(own);
    toPlace.sort(
        Comparator.comparingInt((TaskInfo t) -> t.reserved().memoryMiB())
            .thenComparingInt(t -> t.reserved().cpu())
            .reversed());
    for (TaskInfo t : toPlace) {
      int slot = -1;
      for (int i = 0; i < bins.size(); i++) {
        if (bins.get(i).fits(t.reserved())) {
          slot = i;
          break;
        }
      }
      if (slot < 0) {
        Resources largest =
            bins.stream()
                .max(Comparator.comparingInt(Resources::memoryMiB).thenComparingInt(Resources::cpu))
                .orElse(Resources.NONE);
        return new Verdict(
            false,
            "a task needing "
                + t.reserved()
                + " fits on no other ACTIVE instance (most free: "
                + largest
                + "; "
                + bins.size()
                + " candidate instances)");
      }
      bins.set(slot, bins.get(slot).minus(t.reserved()));
    }
    return new Verdict(true, own.size() + " tasks fit on the other ACTIVE instances");
  }

  /** The tasks a drain moves: running service tasks that are not daemon tasks. */
  static List<TaskInfo> movable(List<TaskInfo> tasks, Set<String> daemonServices) {
    return tasks.stream()
        .filter(t -> !t.isStopped() && t.isServiceTask())
        .filter(t -> t.serviceName().map(n -> !daemonServices.contains(n)).orElse(true))
        .toList();
  }

  /** Tasks no service owns, which a drain does not move. */
  static List<TaskInfo> standalone(List<TaskInfo> tasks) {
    return tasks.stream().filter(t -> !t.isStopped() && !t.isServiceTask()).toList();
  }
}
