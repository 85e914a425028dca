package io.github.bottlerocket.ecsupdater.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One change the updater made (or, in a dry run, would make) to an instance's update.
 *
 * @param at when
 * @param clusterArn the cluster
 * @param containerInstanceArn the instance
 * @param ec2InstanceId its EC2 instance id
 * @param kind what happened
 * @param from the phase before, empty for idle
 * @param to the phase after, empty for idle
 * @param fromVersion the version the host ran when the update began, if known
 * @param targetVersion the version it moves to, if known
 * @param reason the failure or skip reason, when there is one
 * @param detail specifics
 * @param outOfService for an update that completed or failed after a drain, how long the instance
 *     was out of service
 * @param phaseDuration how long the instance spent in the phase it left, if it left one
 */
public record Transition(
    Instant at,
    String clusterArn,
    String containerInstanceArn,
    String ec2InstanceId,
    Kind kind,
    Optional<Phase> from,
    Optional<Phase> to,
    Optional<String> fromVersion,
    Optional<String> targetVersion,
    Optional<Cause> reason,
    String detail,
    Optional<Duration> outOfService,
    Optional<Duration> phaseDuration) {

  /** What happened. */
  public enum Kind {
    QUEUED,
    STAGING_STARTED,
    STAGED,
    DRAIN_STARTED,
    DRAIN_REVERTED,
    ACTIVATION_STARTED,
    REBOOT_SENT,
    VERIFICATION_STARTED,
    COMMAND_RESENT,
    UPDATED,
    FAILED,
    RELEASED,
    /** An idle instance's update check gave no usable answer; recorded in its failure attribute. */
    CHECK_FAILED,
    /** An update check answered again; the record of the failed checks was deleted. */
    CHECK_RECOVERED
  }
}
