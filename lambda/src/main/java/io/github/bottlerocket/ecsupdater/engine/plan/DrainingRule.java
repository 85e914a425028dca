package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** {@link Phase#DRAINING}: ECS moves the instance's service tasks; the reboot waits for the end. */
final class DrainingRule {
  private DrainingRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    var i = v.instance();
    if (i.status() == InstanceStatus.ACTIVE) {
      return resume(v, c);
    }
    if (i.status() != InstanceStatus.DRAINING) {
      return Step.of(
          v,
          Verdict.of(
              Outcome.WAITING,
              Reason.NOT_ACTIVE,
              "status " + i.status(),
              "continues if the instance returns"));
    }
    if (c.tasks(v).isEmpty()) {
      OptionalInt left = tasksLeftByCount(v, r, c);
      if (left.isPresent()) {
        return Step.of(
            v,
            Verdict.inProgress(
                left.getAsInt() + " task(s) besides daemon tasks still on it",
                "reboot once only daemon tasks remain"));
      }
    }
    List<Decision> needs = Needs.forTasks(c, v);
    if (!needs.isEmpty()) {
      return new Step(
          v, needs, Verdict.inProgress("reading tasks", "reboot once only daemon tasks remain"));
    }
    List<TaskInfo> tasks = c.tasks(v).orElseThrow();
    List<TaskInfo> standalone = Capacity.standalone(tasks);
    if (!standalone.isEmpty()) {
      return Step.fail(
          c,
          v,
          FailureReason.STANDALONE_TASKS_APPEARED,
          Download.describeTasks(standalone) + " appeared during the drain",
          Decision.Undo.REACTIVATE);
    }
    List<TaskInfo> moving = Capacity.movable(tasks, c.daemonServices());
    if (!moving.isEmpty() && c.pastLimit(r)) {
      // The tasks were read in this observation, after DRAIN_TIMEOUT: the drain really is stuck.
      return Step.fail(
          c,
          v,
          FailureReason.DRAIN_TIMEOUT,
          moving.size()
              + " service task(s) still running "
              + Durations.format(c.elapsed(r))
              + " after the drain began",
          Decision.Undo.REACTIVATE);
    }
    if (!moving.isEmpty()) {
      return Step.of(
          v,
          Verdict.inProgress(
              moving.size() + " service task(s) still running",
              "reboot once only daemon tasks remain"));
    }
    return Step.of(
        v,
        new Decision.Activate(v),
        Verdict.inProgress("drained", "activate the staged update, then reboot"));
  }

  /**
   * How many tasks beyond its daemon tasks ECS still counts on the instance, when that count alone
   * shows the drain is not over, so its tasks need not be listed at this observation. Empty
   * whenever the tasks themselves must decide: the first look at the drain in this pass, a count
   * that could be daemon tasks only, a task starting or one more than seen before (a task that
   * appeared, which may be one no service owns), an unknown set of daemon services, and any look
   * after DRAIN_TIMEOUT, which is judged on the tasks read then.
   */
  private static OptionalInt tasksLeftByCount(InstanceView v, PhaseRecord r, PlanContext c) {
    Integer before = c.observation().fewestTasks().get(v.arn());
    if (before == null || c.pastLimit(r) || c.observation().services().isEmpty()) {
      return OptionalInt.empty();
    }
    int count = v.instance().runningTasks() + v.instance().pendingTasks();
    int beyond = count - c.daemonServices().size();
    if (v.instance().pendingTasks() > 0 || count > before || beyond <= 0) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(beyond);
  }

  /**
   * The drain was recorded but ECS did not apply it (the pass stopped in between): apply it only if
   * every gate still allows it and the host shows the staged update still there, otherwise go back
   * to {@link Phase#STAGED}.
   */
  private static Step resume(InstanceView v, PlanContext c) {
    return switch (DrainCheck.of(c, v)) {
      case DrainCheck.Clear ok ->
          StagedRule.confirmThenDrain(v, c, "setting DRAINING (recorded, not yet applied)");
      case DrainCheck.NeedsData n ->
          new Step(
              v,
              n.needs(),
              Verdict.inProgress("reading tasks and services", "drain if it is still safe"));
      case DrainCheck.Blocked b -> {
        c.slots().giveBack(v);
        yield Step.of(
            v,
            new Decision.RevertToStaged(v, b.block().reason()),
            new Verdict(
                Outcome.WAITING,
                Optional.of(b.block().reason()),
                b.block().detail(),
                "back to staged; drain when it is allowed and safe",
                Optional.empty()));
      }
    };
  }
}
