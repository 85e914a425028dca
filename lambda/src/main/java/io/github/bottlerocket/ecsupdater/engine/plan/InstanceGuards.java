package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What one instance needs read of its own before its drain, when nothing else holds it: the ECS
 * task scale-in protection of its service tasks ({@code TASK_PROTECTION}), which can hold the
 * drain, and its Auto Scaling group and scale-in protection ({@code SCALE_IN_SHIELD}), which say
 * what the drain does to that flag. Both are read for the instance about to drain only, and again
 * at the drain decision; a drain already under way is never undone for them.
 */
final class InstanceGuards {
  /** How many protected tasks a report line names before it counts the rest. */
  private static final int NAMED = 3;

  private InstanceGuards() {}

  /**
   * What holds the drain of {@code v}, whose tasks are {@code tasks}: a read still to make (the
   * caller's slot is taken meanwhile), or a protected task. Empty when nothing does.
   */
  static Optional<DrainCheck> beforeDrain(PlanContext c, InstanceView v, List<TaskInfo> tasks) {
    List<Decision> needs = new ArrayList<>();
    Optional<DrainCheck> held = Optional.empty();
    if (c.settings().respectTaskProtection()) {
      List<String> ask = stoppedByADrain(tasks);
      List<TaskProtection> read = c.observation().taskProtection().get(v.arn());
      if (!ask.isEmpty() && read == null) {
        needs.add(new Decision.InspectTaskProtection(v, ask));
      } else if (read != null) {
        held = protectedTasks(c, tasks, read);
      }
    }
    if (held.isPresent()) {
      return held;
    }
    if (c.settings().scaleInShield()
        && !v.ec2InstanceId().isEmpty()
        && !c.observation().autoScaling().containsKey(v.arn())) {
      needs.add(new Decision.InspectAutoScaling(v));
    }
    if (!needs.isEmpty()) {
      c.slots().takeDrain(v);
      return Optional.of(new DrainCheck.NeedsData(needs));
    }
    return Optional.empty();
  }

  /**
   * What the drain of {@code v} does about its scale-in protection: nothing when SCALE_IN_SHIELD is
   * off or the instance is in no group (or not in service there, so that no scale-in picks it);
   * otherwise protect it, or leave it as it is when it is protected already.
   */
  static Optional<Decision.ScaleInShield> shieldFor(PlanContext c, InstanceView v) {
    if (!c.settings().scaleInShield()) {
      return Optional.empty();
    }
    return c.observation()
        .autoScaling()
        .getOrDefault(v.arn(), Optional.empty())
        .filter(AutoScalingInstance::inService)
        .map(i -> new Decision.ScaleInShield(i.groupName(), i.protectedFromScaleIn()));
  }

  /**
   * The tasks a drain would stop and whose protection matters: service tasks that are meant to run
   * (daemon tasks included: they stop when the host reboots). A task already told to stop is going
   * anyway.
   */
  static List<String> stoppedByADrain(List<TaskInfo> tasks) {
    return tasks.stream()
        .filter(TaskInfo::isServiceTask)
        .filter(t -> "RUNNING".equals(t.desiredStatus()))
        .map(TaskInfo::arn)
        .toList();
  }

  private static Optional<DrainCheck> protectedTasks(
      PlanContext c, List<TaskInfo> tasks, List<TaskProtection> read) {
    Instant now = c.now();
    List<TaskProtection> holding = read.stream().filter(p -> p.holdsAt(now)).toList();
    if (holding.isEmpty()) {
      return Optional.empty();
    }
    // The drain may start once the last protection has ended; unknown when one has no end or
    // ECS could not say.
    boolean allEnd =
        holding.stream()
            .allMatch(
                p -> p.state() == TaskProtection.State.PROTECTED && p.expiresAt().isPresent());
    Optional<Instant> until =
        allEnd
            ? holding.stream().map(p -> p.expiresAt().orElseThrow()).max(Comparator.naturalOrder())
            : Optional.empty();
    List<String> named = holding.stream().limit(NAMED).map(p -> describe(p, tasks)).toList();
    String detail =
        String.join("; ", named)
            + (holding.size() > NAMED ? "; and " + (holding.size() - NAMED) + " more" : "");
    return Optional.of(new DrainCheck.Blocked(new Block(Reason.TASK_PROTECTED, detail), until));
  }

  private static String describe(TaskProtection p, List<TaskInfo> tasks) {
    String name =
        tasks.stream()
            .filter(t -> t.arn().equals(p.taskArn()))
            .findFirst()
            .map(t -> t.serviceName().map(s -> s + " task ").orElse("task ") + shortId(t.arn()))
            .orElse("task " + shortId(p.taskArn()));
    return switch (p.state()) {
      case PROTECTED ->
          name
              + p.expiresAt()
                  .map(t -> " is protected from scale-in until " + t)
                  .orElse(" is protected from scale-in, with no end given");
      case UNKNOWN ->
          "ECS could not say whether "
              + name
              + " is protected from scale-in ("
              + p.failure().orElse("no reason given")
              + "); taken as protected";
      case NOT_PROTECTED -> name + " is not protected";
    };
  }

  private static String shortId(String arn) {
    int slash = arn.lastIndexOf('/');
    return slash < 0 ? arn : arn.substring(slash + 1);
  }
}
