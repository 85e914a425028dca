package io.github.bottlerocket.ecsupdater.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * The cluster-wide state of the gates at one observation.
 *
 * @param paused whether updates are paused (setting or cluster tag)
 * @param windowOpen whether the maintenance window is open (or ignored for this pass)
 * @param windowOpensAt when a closed window opens next
 * @param budgetFailures failures that count against the failure budget
 * @param failureBudget the budget
 * @param outOfService instances out of service now (the updater's and others' drains)
 * @param maxConcurrent the limit in force for this pass
 * @param nextCheck when idle instances are next due for an update check
 */
public record ClusterStatus(
    boolean paused,
    boolean windowOpen,
    Optional<Instant> windowOpensAt,
    int budgetFailures,
    int failureBudget,
    int outOfService,
    int maxConcurrent,
    Optional<Instant> nextCheck) {

  /** Whether the failure budget is spent, so no new update starts. */
  public boolean circuitBreakerOpen() {
    return budgetFailures > failureBudget;
  }
}
