package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterStatus;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.time.Instant;
import java.util.Optional;

/**
 * The cluster-wide gates, computed once per plan. A gate blocks new downloads and new drains; steps
 * of updates already under way always go on.
 *
 * @param cluster the state of every gate, for the report
 * @param startBlock the first gate that blocks new starts, if any
 */
record Gates(ClusterStatus cluster, Optional<Block> startBlock) {

  static Gates of(Observation o, Slots slots) {
    Settings s = o.settings();
    Instant now = o.now();
    int budgetFailures = 0;
    for (InstanceView v : o.instances()) {
      if (v.failure().map(f -> f.reason().countsAgainstBudget()).orElse(false)
          || (v.unreadable().isPresent()
              && v.instance().attributes().containsKey(StateAttributes.FAILURE))) {
        budgetFailures++;
      }
    }
    boolean paused = s.paused() || o.clusterPaused();
    boolean windowOpen = o.options().ignoreMaintenanceWindow() || s.maintenanceWindow().isOpen(now);
    Optional<Instant> opensAt =
        windowOpen ? Optional.empty() : s.maintenanceWindow().nextOpening(now);
    Optional<Instant> nextCheck =
        o.lastCheck().map(t -> t.plus(s.checkInterval())).filter(t -> t.isAfter(now));
    ClusterStatus cluster =
        new ClusterStatus(
            paused,
            windowOpen,
            opensAt,
            budgetFailures,
            s.failureBudget(),
            slots.outOfService(),
            s.maxConcurrent(),
            nextCheck);
    Optional<Block> block;
    if (paused) {
      block = Optional.of(new Block(Reason.PAUSED, o.pauseDetail()));
    } else if (!windowOpen) {
      block =
          Optional.of(
              new Block(
                  Reason.WINDOW_CLOSED,
                  "window "
                      + s.maintenanceWindow()
                      + opensAt.map(t -> "; opens at " + t).orElse("")));
    } else if (cluster.circuitBreakerOpen()) {
      block =
          Optional.of(
              new Block(
                  Reason.CIRCUIT_BREAKER_OPEN,
                  budgetFailures
                      + " failed update(s) against a FAILURE_BUDGET of "
                      + s.failureBudget()
                      + "; clear the failure attributes to close it"));
    } else {
      block = Optional.empty();
    }
    return new Gates(cluster, block);
  }
}
