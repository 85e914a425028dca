package io.github.bottlerocket.ecsupdater.engine;

/**
 * Why an instance's update (or its update check) did not complete. Each reason says how it is
 * retried: after the update back-off, after the check back-off, or only once an operator has looked
 * (those count against the cluster's failure budget and can open the circuit breaker).
 */
public enum FailureReason implements Cause {
  /** The update check gave no usable answer; nothing on the instance changed. */
  CHECK_FAILED(Retry.CHECK, "the update check did not give a usable answer"),
  /** The download to the inactive partition failed or the host refused it. */
  STAGE_FAILED(Retry.BACK_OFF, "the download of the update failed"),
  /** A look after STAGE_TIMEOUT still showed the download unfinished. */
  STAGE_TIMEOUT(Retry.BACK_OFF, "the download of the update took longer than STAGE_TIMEOUT"),
  /** The staged image was gone when the drain was about to start (e.g. the host rebooted). */
  STAGE_LOST(Retry.BACK_OFF, "the staged update was gone before the drain"),
  /** Tasks that no service owns appeared on the instance before or during its drain. */
  STANDALONE_TASKS_APPEARED(Retry.BACK_OFF, "tasks that no service owns appeared on the instance"),
  /**
   * Auto Scaling refused to protect the instance from scale-in before its drain (the role may not,
   * or the group is gone); nothing was drained.
   */
  SCALE_IN_SHIELD_FAILED(
      Retry.BACK_OFF, "the instance could not be protected from scale-in before the drain"),
  /** ECS refused to set the instance DRAINING. */
  DRAIN_REFUSED(Retry.BACK_OFF, "ECS refused to set the instance DRAINING"),
  /** A look after DRAIN_TIMEOUT still showed service tasks; the instance was set ACTIVE again. */
  DRAIN_TIMEOUT(Retry.BACK_OFF, "service tasks were still running at DRAIN_TIMEOUT"),
  /** Activation failed or a look after ACTIVATE_TIMEOUT showed no Ready; undone. */
  ACTIVATE_FAILED(Retry.BACK_OFF, "the staged update could not be activated"),
  /** The host did not reboot: still on the old version with the update Ready, or no sign of it. */
  REBOOT_NOT_PERFORMED(Retry.BACK_OFF, "the host did not reboot"),
  /**
   * A look after REBOOT_TIMEOUT still showed the agent disconnected; the instance stays DRAINING.
   */
  REBOOT_TIMEOUT(Retry.OPERATOR, "the host did not come back within REBOOT_TIMEOUT"),
  /** The host rebooted and came back on the old version: Bottlerocket fell back from a bad boot. */
  ROLLED_BACK(Retry.OPERATOR, "the host came back on the old version"),
  /** The host came back but its running version could not be confirmed as the target. */
  VERIFY_FAILED(Retry.OPERATOR, "the running version after the reboot is not the target");

  /** When an instance with this failure is tried again. */
  public enum Retry {
    /** After RETRY_BACKOFF, doubling with each failure in a row. */
    BACK_OFF,
    /**
     * Its next update check comes after CHECK_RETRY_INTERVAL, doubling, not after CHECK_INTERVAL.
     */
    CHECK,
    /**
     * Not for the same version until an operator deletes the failure record; counts against the
     * budget.
     */
    OPERATOR
  }

  private final Retry retry;
  private final String summary;

  FailureReason(Retry retry, String summary) {
    this.retry = retry;
    this.summary = summary;
  }

  /** How an instance with this failure is tried again. */
  public Retry retry() {
    return retry;
  }

  /**
   * Whether this failure counts against FAILURE_BUDGET. Such a failure stays until an operator
   * clears it, and the same target is not retried on this instance.
   */
  public boolean countsAgainstBudget() {
    return retry == Retry.OPERATOR;
  }

  /** A short explanation for reports. */
  public String summary() {
    return summary;
  }

  @Override
  public String explanation() {
    return summary;
  }
}
