package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Starting a download, for an instance just checked or one that was queued. */
final class Download {
  private Download() {}

  /**
   * Takes a download slot for {@code v} and starts the download once its tasks are known: an
   * instance running tasks no service owns is not started, since its drain would not move them.
   */
  static Step start(
      PlanContext c,
      InstanceView v,
      Optional<String> target,
      Optional<String> from,
      Optional<UpdateStatus> status) {
    Optional<List<TaskInfo>> tasks = c.tasks(v);
    if (tasks.isEmpty()) {
      c.slots().takeDownload();
      return Step.of(
          v,
          new Decision.InspectTasks(v),
          new Verdict(
              Outcome.WAITING,
              Optional.empty(),
              "reading the instance's tasks",
              "download starts if only service tasks run",
              Optional.empty()));
    }
    List<TaskInfo> standalone = Capacity.standalone(tasks.get());
    if (!standalone.isEmpty()) {
      if (v.phase().isPresent()) {
        return Step.release(v, Reason.STANDALONE_TASKS, describeTasks(standalone));
      }
      Verdict skipped =
          Verdict.of(
              Outcome.SKIPPED,
              Reason.STANDALONE_TASKS,
              describeTasks(standalone),
              "checked again by a later pass");
      return Step.of(v, status.map(skipped::with).orElse(skipped));
    }
    c.slots().takeDownload();
    boolean alreadyStaged =
        status
            .filter(st -> st.state() == UpdateState.STAGED || st.state() == UpdateState.READY)
            .flatMap(UpdateStatus::stagedVersion)
            .filter(staged -> staged.equals(target.orElse(null)))
            .isPresent();
    if (alreadyStaged) {
      return Step.of(
          v,
          new Decision.MarkStaged(v, target.orElseThrow(), from),
          Verdict.inProgress(
              "update " + target.get() + " is already staged",
              "drain when a slot, the window and capacity allow"));
    }
    return Step.of(
        v,
        new Decision.StartStaging(v, target, from),
        Verdict.inProgress(
            "downloading " + target.orElse("the chosen update"),
            "drain once the download is staged"));
  }

  /**
   * Whether the instance has room for the updater's record and, should the update fail, a failure
   * record. Checked before anything starts: a step that could not be recorded must not be taken.
   */
  static boolean attributeRoom(InstanceView v) {
    int needed = (v.record().isPresent() ? 0 : 1) + (v.failure().isPresent() ? 0 : 1);
    return v.instance().customAttributeCount() + needed <= ContainerInstance.CUSTOM_ATTRIBUTE_LIMIT;
  }

  static String attributeDetail(InstanceView v) {
    return v.instance().customAttributeCount()
        + " custom attributes of ECS's "
        + ContainerInstance.CUSTOM_ATTRIBUTE_LIMIT
        + "; the updater needs 2 for its record and a failure record; delete some";
  }

  static String describeTasks(List<TaskInfo> tasks) {
    String names =
        tasks.stream()
            .limit(3)
            .map(t -> t.group().isEmpty() ? t.arn() : t.group())
            .collect(Collectors.joining(", "));
    return tasks.size() + " task(s) no service owns: " + names + (tasks.size() > 3 ? ", ..." : "");
  }
}
