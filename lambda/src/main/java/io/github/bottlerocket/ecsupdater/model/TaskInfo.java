package io.github.bottlerocket.ecsupdater.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A task on a container instance.
 *
 * @param arn the task ARN
 * @param startedBy who started it: {@code ecs-svc/...} for service tasks, empty or a custom tag for
 *     tasks started with RunTask or StartTask
 * @param group {@code service:<name>} for service tasks, {@code family:<name>} otherwise
 * @param lastStatus the task's current status (RUNNING, STOPPED, ...)
 * @param desiredStatus RUNNING or STOPPED
 * @param reserved the CPU and memory it reserves on its host
 */
public record TaskInfo(
    String arn,
    String startedBy,
    String group,
    String lastStatus,
    String desiredStatus,
    Resources reserved) {

  private static final String SERVICE_STARTED_BY = "ecs-svc/";
  private static final String SERVICE_GROUP = "service:";

  public TaskInfo {
    Objects.requireNonNull(arn, "arn");
    startedBy = startedBy == null ? "" : startedBy;
    group = group == null ? "" : group;
    lastStatus = lastStatus == null ? "" : lastStatus;
    desiredStatus = desiredStatus == null ? "" : desiredStatus;
    Objects.requireNonNull(reserved, "reserved");
  }

  /** Whether a service owns this task, so that a drain replaces it elsewhere. */
  public boolean isServiceTask() {
    return startedBy.startsWith(SERVICE_STARTED_BY);
  }

  /** The owning service's name, from the task group. */
  public Optional<String> serviceName() {
    return group.startsWith(SERVICE_GROUP)
        ? Optional.of(group.substring(SERVICE_GROUP.length()))
        : Optional.empty();
  }

  /** Whether the task has stopped (its containers are gone). */
  public boolean isStopped() {
    return "STOPPED".equals(lastStatus);
  }
}
