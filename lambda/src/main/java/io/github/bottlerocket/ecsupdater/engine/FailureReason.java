package io.github.bottlerocket.ecsupdater.engine;

/**
 * Why an instance's update did not complete. Each reason says whether it counts against the
 * cluster's failure budget (and so can open the circuit breaker) or only delays this instance.
 */
public enum FailureReason implements Cause {
  /** The download to the inactive partition failed or the host refused it. */
  STAGE_FAILED(false, "the download of the update failed"),
  /** The download did not finish within STAGE_TIMEOUT. */
  STAGE_TIMEOUT(false, "the download of the update took longer than STAGE_TIMEOUT"),
  /** The staged image was gone when the drain was about to start (e.g. the host rebooted). */
  STAGE_LOST(false, "the staged update was gone before the drain"),
  /** Tasks that no service owns run on the instance; a drain would not move them. */
  STANDALONE_TASKS(false, "tasks that no service owns run on the instance"),
  /** ECS refused to set the instance DRAINING. */
  DRAIN_REFUSED(false, "ECS refused to set the instance DRAINING"),
  /** Service tasks were still running at DRAIN_TIMEOUT; the instance was set ACTIVE again. */
  DRAIN_TIMEOUT(false, "service tasks were still running at DRAIN_TIMEOUT"),
  /** Activation failed or did not reach Ready in time; undone and the instance set ACTIVE. */
  ACTIVATE_FAILED(false, "the staged update could not be activated"),
  /** The host was still on the old version with the update Ready: the reboot did not happen. */
  REBOOT_NOT_PERFORMED(false, "the host did not reboot"),
  /** The agent did not reconnect within REBOOT_TIMEOUT; the instance stays DRAINING. */
  REBOOT_TIMEOUT(true, "the host did not come back within REBOOT_TIMEOUT"),
  /** The host came back on the old version: Bottlerocket fell back from a failed boot. */
  ROLLED_BACK(true, "the host came back on the old version"),
  /** The host came back but its running version could not be confirmed as the target. */
  VERIFY_FAILED(true, "the running version after the reboot is not the target");

  private final boolean countsAgainstBudget;
  private final String summary;

  FailureReason(boolean countsAgainstBudget, String summary) {
    this.countsAgainstBudget = countsAgainstBudget;
    this.summary = summary;
  }

  /**
   * Whether this failure counts against FAILURE_BUDGET. Such a failure stays until an operator
   * clears it, and the same target is not retried on this instance.
   */
  public boolean countsAgainstBudget() {
    return countsAgainstBudget;
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
