package io.github.bottlerocket.ecsupdater.engine;

/**
 * Why an instance was skipped or is waiting. Each constant is one row of the README's "why wasn't
 * my instance updated?" list.
 */
public enum Reason implements Cause {
  NOT_BOTTLEROCKET(
      "the instance has no bottlerocket.variant attribute: it does not run Bottlerocket"),
  OPTED_OUT("the instance carries the bottlerocket-ecs-updater.opt-out attribute"),
  NOT_ACTIVE("the instance is not ACTIVE (drained or deregistering by someone else)"),
  AGENT_DISCONNECTED("the ECS agent is disconnected"),
  STANDALONE_TASKS("tasks that no service owns run on it; a drain would not move them"),
  ATTRIBUTE_LIMIT(
      "it has too many custom attributes for the updater's record and a failure record"),
  BACKING_OFF("an earlier attempt failed; waiting before the next try"),
  NEEDS_OPERATOR("an earlier update of it failed in a way an operator must look at"),
  STATE_UNREADABLE("the updater's attributes on it cannot be read; fix or delete them"),
  NOT_CHECKED("not checked for updates in this pass"),
  NO_UPDATE("no update is chosen for it (up to date, not yet in its wave, or version-locked)"),
  UPDATE_WITHDRAWN("the update is no longer offered to the host"),
  STOPPED(
      "the control parameter says stop (or cannot be read): nothing changes, not even work under way"),
  PAUSED("updates are paused"),
  WINDOW_CLOSED("outside the maintenance window"),
  CIRCUIT_BREAKER_OPEN("the cluster's circuit breaker is open: too many failed updates"),
  CALENDAR_CLOSED("a change calendar of CHANGE_CALENDARS is closed, or cannot be read"),
  ALARM_NOT_OK("a CloudWatch alarm of ALARM_NAMES or ALARM_PREFIX is not OK, or cannot be read"),
  VERSION_ABOVE_MAX("the update offered is above MAX_VERSION"),
  RELEASE_TOO_YOUNG("the release offered is younger than MIN_RELEASE_AGE"),
  NOT_PROMOTED(
      "the PROMOTE_FROM cluster has not run the version long enough, or recorded a failure for it"),
  BAKING("the cluster bakes its last update (BAKE_TIME, canaries first) before the next drain"),
  NO_DOWNLOAD_SLOT("as many downloads as MAX_CONCURRENT are already under way"),
  NO_DRAIN_SLOT("as many instances as MAX_CONCURRENT are already out of service"),
  SERVICE_BELOW_DESIRED("a service runs fewer tasks than it wants"),
  INSUFFICIENT_CAPACITY("the other ACTIVE instances lack the free CPU or memory for its tasks"),
  TASK_PROTECTED(
      "a service task on it is protected from scale-in (ECS task scale-in protection); no drain until the protection ends"),
  DEADLINE("the pass ran out of time; the next pass continues");

  private final String explanation;

  Reason(String explanation) {
    this.explanation = explanation;
  }

  @Override
  public String explanation() {
    return explanation;
  }
}
