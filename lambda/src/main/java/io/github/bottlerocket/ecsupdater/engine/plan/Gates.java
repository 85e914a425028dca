package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterStatus;
import io.github.bottlerocket.ecsupdater.engine.Control;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.RolloutStatus;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The static cluster-wide gates, computed once per plan: the control switch, pause, the maintenance
 * window and the circuit breaker, in this order. A gate blocks new downloads and new drains; steps
 * of updates already under way always go on, except under a stop of the control switch, which holds
 * everything where it is. The rollout gates that decide on facts read from AWS (change calendars,
 * alarms, versions, the bake) come after these, in {@link
 * io.github.bottlerocket.ecsupdater.engine.plan.gate.RolloutGates}.
 *
 * @param cluster the state of every gate, for the report
 * @param stop the control switch's stop, if it says so
 * @param startBlock the first gate that blocks new starts, if any
 */
record Gates(ClusterStatus cluster, Optional<Block> stop, Optional<Block> startBlock) {

  /** How many instances a breaker's report names before it counts the rest. */
  private static final int HOLDERS_NAMED = 5;

  static Gates of(Observation o, Slots slots) {
    Settings s = o.settings();
    Instant now = o.now();
    List<String> holders = new ArrayList<>();
    for (InstanceView v : o.instances()) {
      // Only Bottlerocket hosts count: a failure record elsewhere is reported on its line.
      boolean counts =
          v.failure().map(f -> f.reason().countsAgainstBudget()).orElse(false)
              || (v.unreadable().isPresent()
                  && v.instance().attributes().containsKey(StateAttributes.FAILURE));
      if (counts && v.instance().isBottlerocket()) {
        holders.add(
            (v.ec2InstanceId().isEmpty() ? v.arn() : v.ec2InstanceId())
                + v.failure().map(f -> " " + f.reason()).orElse(" (unreadable failure record)"));
      }
    }
    Control control = o.control();
    boolean stopped = control.state() == Control.State.STOP;
    boolean paused = control.state() == Control.State.PAUSE || s.paused() || o.clusterPaused();
    boolean windowOpen = o.options().ignoreMaintenanceWindow() || s.maintenanceWindow().isOpen(now);
    Optional<Instant> opensAt =
        windowOpen ? Optional.empty() : s.maintenanceWindow().nextOpening(now);
    Optional<Instant> nextCheck =
        o.lastCheck().map(t -> t.plus(s.checkInterval())).filter(t -> t.isAfter(now));
    ClusterStatus cluster =
        new ClusterStatus(
            stopped,
            paused,
            windowOpen,
            opensAt,
            holders.size(),
            holders,
            s.failureBudget(),
            slots.outOfService(),
            o.maxConcurrent(),
            nextCheck,
            RolloutStatus.NONE);
    Optional<Block> stop =
        stopped ? Optional.of(new Block(Reason.STOPPED, control.detail())) : Optional.empty();
    Optional<Block> block;
    if (stopped) {
      block = stop;
    } else if (paused) {
      block = Optional.of(new Block(Reason.PAUSED, pausedBy(o, control)));
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
                  holders.size()
                      + " failed update(s) against a FAILURE_BUDGET of "
                      + s.failureBudget()
                      + " ("
                      + String.join(
                          ", ", holders.subList(0, Math.min(HOLDERS_NAMED, holders.size())))
                      + (holders.size() > HOLDERS_NAMED
                          ? " and " + (holders.size() - HOLDERS_NAMED) + " more"
                          : "")
                      + "); delete their "
                      + StateAttributes.FAILURE
                      + " attributes to close it"));
    } else {
      block = Optional.empty();
    }
    return new Gates(cluster, stop, block);
  }

  private static String pausedBy(Observation o, Control control) {
    String setOrTagged = o.pauseDetail();
    if (control.state() != Control.State.PAUSE) {
      return setOrTagged;
    }
    return setOrTagged.isEmpty() ? control.detail() : control.detail() + "; " + setOrTagged;
  }
}
