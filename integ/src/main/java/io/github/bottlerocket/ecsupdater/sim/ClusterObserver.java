package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Instant;

/** Hears every change in a {@link SimulatedCluster}, while the cluster's lock is held. */
public interface ClusterObserver {

  /** Something in the cluster changed at {@code at}; {@code cause} says what. */
  default void changed(SimulatedCluster cluster, Instant at, String cause) {}

  /**
   * {@code apiclient reboot} ran on {@code instanceName}, before anything of the reboot happened.
   */
  default void rebooting(SimulatedCluster cluster, String instanceName, Instant at) {}

  /**
   * UpdateContainerInstancesState set {@code instanceName} to {@code status} (ACTIVE, DRAINING).
   */
  default void statusChanged(
      SimulatedCluster cluster, String instanceName, String status, Instant at) {}

  /**
   * A host ran one of the updater's commands, delivered by SSM, and it exited with {@code
   * exitCode}; background work it started (a download, an activation) goes on after this.
   */
  default void hostCommandRan(
      SimulatedCluster cluster,
      String instanceName,
      HostCommand command,
      int exitCode,
      Instant at) {}

  /**
   * A scale-in is about to terminate {@code instanceName}.
   *
   * @param protectedByUpdater the updater had set its scale-in protection (SetInstanceProtection)
   * @param how why the instance could go (its protection was off, or ECS turned it off)
   */
  default void terminating(
      SimulatedCluster cluster,
      String instanceName,
      boolean protectedByUpdater,
      String how,
      Instant at) {}

  /** A host was sent a script that is none of the updater's host commands. */
  default void unrecognisedCommand(SimulatedCluster cluster, String detail, Instant at) {}
}
