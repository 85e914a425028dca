package io.github.bottlerocket.ecsupdater.engine;

/**
 * Where an instance's update stands, as persisted on the container instance. An instance with no
 * record is idle. Each constant says what is already true while the instance is in it.
 */
public enum Phase {
  /**
   * An update check found an update for the instance and no download slot was free. Nothing on the
   * instance has changed; it serves as before.
   */
  QUEUED,
  /**
   * The host was asked to download the update to its inactive partition. The instance is ACTIVE and
   * serves tasks while the download runs.
   */
  STAGING,
  /**
   * The update is written to the inactive partition (state Staged) and does not boot next. The
   * instance is ACTIVE, serving, and waits for a drain slot, the window and spare capacity.
   */
  STAGED,
  /**
   * The updater recorded this phase and then set the instance DRAINING; ECS moves its service tasks
   * to other instances.
   */
  DRAINING,
  /**
   * Only daemon tasks remained; the host was asked to activate the staged update (Staged to Ready).
   */
  ACTIVATING,
  /** The update is Ready and a reboot was sent; the updater waits for the agent to come back. */
  REBOOTING,
  /** The agent is back; an update check was sent to read the version the host runs now. */
  VERIFYING;

  /** Whether the instance is out of service (drained or about to be) in this phase. */
  public boolean isOutOfService() {
    return switch (this) {
      case QUEUED, STAGING, STAGED -> false;
      case DRAINING, ACTIVATING, REBOOTING, VERIFYING -> true;
    };
  }

  /** Whether the instance holds one of the download-ahead slots in this phase. */
  public boolean holdsStagingSlot() {
    return switch (this) {
      case STAGING, STAGED -> true;
      case QUEUED, DRAINING, ACTIVATING, REBOOTING, VERIFYING -> false;
    };
  }
}
