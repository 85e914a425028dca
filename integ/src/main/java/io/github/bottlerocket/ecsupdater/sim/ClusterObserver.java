package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;

/** Hears every change in a {@link SimulatedCluster}, while the cluster's lock is held. */
public interface ClusterObserver {

  /** Something in the cluster changed at {@code at}; {@code cause} says what. */
  default void changed(SimulatedCluster cluster, Instant at, String cause) {}

  /**
   * {@code apiclient reboot} ran on {@code instanceName}, before anything of the reboot happened.
   */
  default void rebooting(SimulatedCluster cluster, String instanceName, Instant at) {}

  /** A host was sent a script that is none of the updater's host commands. */
  default void unrecognisedCommand(SimulatedCluster cluster, String detail, Instant at) {}
}
