package io.github.bottlerocket.ecsupdater.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The updater's record of an instance's update in progress, kept on the container instance.
 *
 * @param phase where the update stands
 * @param fromVersion the version the host ran when the update began, if known
 * @param targetVersion the version the update moves to, if known yet
 * @param since when the current phase began
 * @param outOfServiceSince when the updater set the instance DRAINING, once it has
 * @param commandId the SSM command the phase waits for, if any
 */
public record PhaseRecord(
    Phase phase,
    Optional<String> fromVersion,
    Optional<String> targetVersion,
    Instant since,
    Optional<Instant> outOfServiceSince,
    Optional<String> commandId) {

  public PhaseRecord {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(fromVersion, "fromVersion");
    Objects.requireNonNull(targetVersion, "targetVersion");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(outOfServiceSince, "outOfServiceSince");
    Objects.requireNonNull(commandId, "commandId");
  }

  /** The next phase, starting now, keeping the versions and out-of-service time. */
  public PhaseRecord next(Phase next, Instant now, Optional<String> command) {
    Optional<Instant> out =
        outOfServiceSince.isPresent() || !next.isOutOfService()
            ? outOfServiceSince
            : Optional.of(now);
    return new PhaseRecord(next, fromVersion, targetVersion, now, out, command);
  }

  /** The same phase with the versions replaced. */
  public PhaseRecord withVersions(Optional<String> from, Optional<String> target) {
    return new PhaseRecord(phase, from, target, since, outOfServiceSince, commandId);
  }

  /** The same phase, restarted now with another command (a retried step). */
  public PhaseRecord withCommand(String command, Instant now) {
    return new PhaseRecord(
        phase, fromVersion, targetVersion, now, outOfServiceSince, Optional.of(command));
  }
}
