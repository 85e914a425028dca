package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.GateCheck;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether an instance may be drained now: the static gates, a drain slot, the rollout gates (change
 * calendars, alarms, the version it would boot), the bake after the last update, every service at
 * its desired count, no task that a drain would not move, room on the other instances for its
 * tasks, and no task protected from scale-in ({@link InstanceGuards}).
 */
sealed interface DrainCheck {

  /** Nothing blocks the drain; the caller takes the slot. */
  record Clear() implements DrainCheck {}

  /**
   * Something blocks it.
   *
   * @param until when the block lifts by itself, when that is known (a task's protection ends)
   */
  record Blocked(Block block, Optional<Instant> until) implements DrainCheck {
    Blocked(Block block) {
      this(block, Optional.empty());
    }
  }

  /** Tasks or services must be read first; a slot is held for the instance meanwhile. */
  record NeedsData(List<Decision> needs) implements DrainCheck {}

  static DrainCheck of(PlanContext c, InstanceView v) {
    Optional<Block> start = c.startBlock();
    if (start.isPresent()) {
      return new Blocked(start.get());
    }
    if (!c.slots().drainRoom(v)) {
      return new Blocked(new Block(Reason.NO_DRAIN_SLOT, c.slots().drainLimitDetail()));
    }
    Optional<String> target = v.record().flatMap(PhaseRecord::targetVersion);
    switch (c.startGates(v, target)) {
      case GateCheck.NeedsFacts n -> {
        c.slots().takeDrain(v);
        return new NeedsData(n.needs());
      }
      case GateCheck.Held h -> {
        return new Blocked(new Block(h.hold().reason(), h.hold().detail()));
      }
      case GateCheck.Clear ok -> {}
    }
    List<Decision> needs = Needs.forDrain(c, v);
    if (!needs.isEmpty()) {
      c.slots().takeDrain(v);
      return new NeedsData(needs);
    }
    if (c.bake(v, target.orElse("")) instanceof GateCheck.Held h) {
      return new Blocked(new Block(h.hold().reason(), h.hold().detail()));
    }
    List<ServiceInfo> services = c.observation().services().orElseThrow();
    List<TaskInfo> tasks = c.tasks(v).orElseThrow();
    List<String> below =
        services.stream()
            .filter(ServiceInfo::isBelowDesired)
            .map(sv -> sv.name() + " (" + sv.running() + "/" + sv.desired() + ")")
            .toList();
    if (!below.isEmpty()) {
      return new Blocked(
          new Block(
              Reason.SERVICE_BELOW_DESIRED,
              String.join(", ", below.subList(0, Math.min(3, below.size())))
                  + (below.size() > 3 ? " and " + (below.size() - 3) + " more" : "")));
    }
    List<TaskInfo> standalone = Capacity.standalone(tasks);
    if (!standalone.isEmpty()) {
      return new Blocked(new Block(Reason.STANDALONE_TASKS, Download.describeTasks(standalone)));
    }
    Capacity.Verdict capacity =
        Capacity.check(v, tasks, c.observation(), c.daemonServices(), c.slots().granted());
    if (!capacity.fits()) {
      return new Blocked(new Block(Reason.INSUFFICIENT_CAPACITY, capacity.detail()));
    }
    return InstanceGuards.beforeDrain(c, v, tasks).orElseGet(Clear::new);
  }
}
