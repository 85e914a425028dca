package io.github.bottlerocket.ecsupdater.bench;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.sim.ClusterObserver;
import io.github.bottlerocket.ecsupdater.sim.SimulatedCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened to each instance, in the simulation's own (virtual) time: when ECS set it DRAINING
 * and back to ACTIVE, and when its download started. Fed by the simulated cluster, so it sees the
 * truth rather than what the updater observed at its next poll.
 */
final class Timeline implements ClusterObserver {

  /**
   * One stretch out of service: from DRAINING to the next ACTIVE; {@code rebooted} when the host
   * rebooted in between (the update went through), not when a drain was undone.
   */
  record OutOfService(String instance, Instant drained, Instant activated, boolean rebooted) {
    Duration length() {
      return Duration.between(drained, activated);
    }
  }

  private final Map<String, Instant> drainingSince = new HashMap<>();
  private final Map<String, Instant> firstDownloadStart = new HashMap<>();
  private final Map<String, Instant> firstDrain = new HashMap<>();
  private final List<OutOfService> stretches = new ArrayList<>();
  private final java.util.Set<String> rebooted = new java.util.HashSet<>();
  private int updated;

  @Override
  public synchronized void statusChanged(
      SimulatedCluster cluster, String instanceName, String status, Instant at) {
    if (status.equals("DRAINING")) {
      drainingSince.putIfAbsent(instanceName, at);
      firstDrain.putIfAbsent(instanceName, at);
    } else if (status.equals("ACTIVE")) {
      Instant since = drainingSince.remove(instanceName);
      boolean wentThrough = rebooted.remove(instanceName);
      if (since != null) {
        stretches.add(new OutOfService(instanceName, since, at, wentThrough));
        updated += wentThrough ? 1 : 0;
      }
    }
  }

  @Override
  public synchronized void rebooting(SimulatedCluster cluster, String instanceName, Instant at) {
    rebooted.add(instanceName);
  }

  @Override
  public synchronized void hostCommandRan(
      SimulatedCluster cluster,
      String instanceName,
      HostCommand command,
      int exitCode,
      Instant at) {
    if (command == HostCommand.PREPARE && exitCode == 0) {
      firstDownloadStart.putIfAbsent(instanceName, at);
    }
  }

  /** Stretches out of service that ended, in the order they ended. */
  synchronized List<OutOfService> stretches() {
    return List.copyOf(stretches);
  }

  /** How many instances were set ACTIVE again after a drain and a reboot. */
  synchronized int completed() {
    return updated;
  }

  synchronized Optional<Instant> downloadStart(String instance) {
    return Optional.ofNullable(firstDownloadStart.get(instance));
  }

  synchronized Optional<Instant> firstDrain(String instance) {
    return Optional.ofNullable(firstDrain.get(instance));
  }
}
