package io.github.bottlerocket.ecsupdater.engine;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The updater's record of an instance's update in progress, kept on the container instance.
 *
 * @param phase where the update stands
 * @param fromVersion the version the host ran when the update began, if known
 * @param targetVersion the version the update moves to, if known yet
 * @param since when the current phase began
 * @param outOfServiceSince when the updater set the instance DRAINING, once it has
 * @param commandId the SSM command the phase waits for, if any
 * @param marks facts the updater established and must not forget across passes
 */
public record PhaseRecord(
    Phase phase,
    Optional<String> fromVersion,
    Optional<String> targetVersion,
    Instant since,
    Optional<Instant> outOfServiceSince,
    Optional<String> commandId,
    Set<Mark> marks) {

  /** A fact kept with the record, written as one letter. */
  public enum Mark {
    /**
     * The host was seen to reboot after the reboot command (its agent disconnected, or its update
     * status was lost with the old boot). Only then is a host back on its old version a rollback.
     */
    REBOOT_SEEN('R'),
    /**
     * The host still ran its old version with the update Ready after REBOOT_GRACE, so the reboot
     * was sent once more (the first may never have reached it).
     */
    REBOOT_RESENT('B');

    private final char letter;

    Mark(char letter) {
      this.letter = letter;
    }

    public char letter() {
      return letter;
    }
  }

  public PhaseRecord {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(fromVersion, "fromVersion");
    Objects.requireNonNull(targetVersion, "targetVersion");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(outOfServiceSince, "outOfServiceSince");
    Objects.requireNonNull(commandId, "commandId");
    marks = marks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(marks));
  }

  /** A record without marks. */
  public PhaseRecord(
      Phase phase,
      Optional<String> fromVersion,
      Optional<String> targetVersion,
      Instant since,
      Optional<Instant> outOfServiceSince,
      Optional<String> commandId) {
    this(phase, fromVersion, targetVersion, since, outOfServiceSince, commandId, Set.of());
  }

  /** The next phase, starting now, keeping the versions and out-of-service time. */
  public PhaseRecord next(Phase next, Instant now, Optional<String> command) {
    Optional<Instant> out =
        outOfServiceSince.isPresent() || !next.isOutOfService()
            ? outOfServiceSince
            : Optional.of(now);
    return new PhaseRecord(next, fromVersion, targetVersion, now, out, command, marks);
  }

  /** The same record with {@code mark} added. */
  public PhaseRecord with(Mark mark) {
    EnumSet<Mark> more = marks.isEmpty() ? EnumSet.noneOf(Mark.class) : EnumSet.copyOf(marks);
    more.add(mark);
    return new PhaseRecord(
        phase, fromVersion, targetVersion, since, outOfServiceSince, commandId, more);
  }

  /** Whether the record carries {@code mark}. */
  public boolean has(Mark mark) {
    return marks.contains(mark);
  }

  /** The same phase and start with another command (a command sent again). */
  public PhaseRecord resent(String command) {
    return new PhaseRecord(
        phase, fromVersion, targetVersion, since, outOfServiceSince, Optional.of(command), marks);
  }
}
