package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Duration;
import java.util.Optional;

/**
 * Where an instance's update stands, as persisted on the container instance. An instance with no
 * record is idle. Each constant says what is already true while the instance is in it; the methods
 * below are the facts every part of the engine reads about a phase, kept here in one place.
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
  /**
   * The update is Ready; the updater recorded this phase and then sent the reboot, and waits for
   * the agent to come back.
   */
  REBOOTING,
  /** The agent is back; an update check was sent to read the version the host runs now. */
  VERIFYING;

  /**
   * What a phase's time limit records and undoes when an observation made after the limit still
   * shows the step unfinished.
   *
   * @param setting the setting that holds the limit
   * @param reason the failure recorded
   * @param undo what the failure undoes
   */
  public record Timeout(Setting setting, FailureReason reason, Decision.Undo undo) {}

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

  /** The host command whose reply this phase waits for; the record keeps its command id. */
  public Optional<HostCommand> awaitedCommand() {
    return switch (this) {
      case STAGING -> Optional.of(HostCommand.PREPARE);
      case ACTIVATING -> Optional.of(HostCommand.ACTIVATE);
      case VERIFYING -> Optional.of(HostCommand.CHECK);
      case QUEUED, STAGED, DRAINING, REBOOTING -> Optional.empty();
    };
  }

  /** The host command sent on entering this phase, which a resend sends again. */
  public Optional<HostCommand> sentCommand() {
    return this == REBOOTING ? Optional.of(HostCommand.REBOOT) : awaitedCommand();
  }

  /**
   * Whether the update moves on by itself in this phase (a download, a drain, a reboot runs), so
   * that a pass keeps watching it; queued and staged instances wait for a gate instead.
   */
  public boolean movesByItself() {
    return switch (this) {
      case STAGING, DRAINING, ACTIVATING, REBOOTING, VERIFYING -> true;
      case QUEUED, STAGED -> false;
    };
  }

  /** Whether a disconnected agent is news in this phase: the reboot it waits for. */
  public boolean watchesAgent() {
    return switch (this) {
      case REBOOTING, VERIFYING -> true;
      case QUEUED, STAGING, STAGED, DRAINING, ACTIVATING -> false;
    };
  }

  /** The phase's time limit and what it does, for phases that have one. */
  public Optional<Timeout> timeout() {
    return switch (this) {
      case STAGING ->
          Optional.of(
              new Timeout(
                  Setting.STAGE_TIMEOUT, FailureReason.STAGE_TIMEOUT, Decision.Undo.NOTHING));
      case DRAINING ->
          Optional.of(
              new Timeout(
                  Setting.DRAIN_TIMEOUT, FailureReason.DRAIN_TIMEOUT, Decision.Undo.REACTIVATE));
      case ACTIVATING ->
          Optional.of(
              new Timeout(
                  Setting.ACTIVATE_TIMEOUT,
                  FailureReason.ACTIVATE_FAILED,
                  Decision.Undo.CANCEL_AND_REACTIVATE));
      case REBOOTING ->
          Optional.of(
              new Timeout(
                  Setting.REBOOT_TIMEOUT,
                  FailureReason.REBOOT_TIMEOUT,
                  Decision.Undo.LEAVE_DRAINING));
      case VERIFYING ->
          Optional.of(
              new Timeout(
                  Setting.VERIFY_TIMEOUT, FailureReason.VERIFY_FAILED, Decision.Undo.REACTIVATE));
      case QUEUED, STAGED -> Optional.empty();
    };
  }

  /** The length of the phase's time limit under {@code settings}, if it has one. */
  public Optional<Duration> limit(Settings settings) {
    return switch (this) {
      case STAGING -> Optional.of(settings.stageTimeout());
      case DRAINING -> Optional.of(settings.drainTimeout());
      case ACTIVATING -> Optional.of(settings.activateTimeout());
      case REBOOTING -> Optional.of(settings.rebootTimeout());
      case VERIFYING -> Optional.of(settings.verifyTimeout());
      case QUEUED, STAGED -> Optional.empty();
    };
  }
}
