package io.github.bottlerocket.ecsupdater.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The cluster-wide state of the gates at one observation.
 *
 * @param stopped whether the control switch stops every change
 * @param paused whether updates are paused (control switch, setting or cluster tag)
 * @param windowOpen whether the maintenance window is open (or ignored for this pass)
 * @param windowOpensAt when a closed window opens next
 * @param budgetFailures failures that count against the failure budget
 * @param budgetHolders the EC2 instance ids (or container instance ARNs) that carry those failures
 * @param failureBudget the budget
 * @param outOfService instances out of service now (the updater's and others' drains)
 * @param maxConcurrent the limit in force for this pass
 * @param nextCheck when idle instances are next due for an update check
 * @param rollout the rollout gates (alarms, calendars, versions, bake) and what they hold
 */
public record ClusterStatus(
    boolean stopped,
    boolean paused,
    boolean windowOpen,
    Optional<Instant> windowOpensAt,
    int budgetFailures,
    List<String> budgetHolders,
    int failureBudget,
    int outOfService,
    int maxConcurrent,
    Optional<Instant> nextCheck,
    RolloutStatus rollout) {

  public ClusterStatus {
    budgetHolders = List.copyOf(budgetHolders);
    java.util.Objects.requireNonNull(rollout, "rollout");
  }

  /** The same, with the rollout gates' state. */
  public ClusterStatus with(RolloutStatus status) {
    return new ClusterStatus(
        stopped,
        paused,
        windowOpen,
        windowOpensAt,
        budgetFailures,
        budgetHolders,
        failureBudget,
        outOfService,
        maxConcurrent,
        nextCheck,
        status);
  }

  /** Whether the failure budget is spent, so no new update starts. */
  public boolean circuitBreakerOpen() {
    return budgetFailures > failureBudget;
  }
}
