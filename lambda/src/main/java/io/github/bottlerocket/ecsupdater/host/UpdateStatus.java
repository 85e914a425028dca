package io.github.bottlerocket.ecsupdater.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of a host's update status document that the updater decides on.
 *
 * @param state the update state
 * @param activeVersion the version running now
 * @param chosenVersion the update chosen for this host, if any (waves decide when one is chosen)
 * @param stagedVersion the image on the inactive partition, if any
 * @param stagedNextToBoot whether that image boots next (true exactly when the state is Ready)
 * @param lastCommand the most recent update command the host ran, if any since boot
 * @param availableVersions every version the repository lists, newest first, without a {@code v}
 */
public record UpdateStatus(
    UpdateState state,
    String activeVersion,
    Optional<String> chosenVersion,
    Optional<String> stagedVersion,
    boolean stagedNextToBoot,
    Optional<LastCommand> lastCommand,
    List<String> availableVersions) {

  public UpdateStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(activeVersion, "activeVersion");
    Objects.requireNonNull(chosenVersion, "chosenVersion");
    Objects.requireNonNull(stagedVersion, "stagedVersion");
    Objects.requireNonNull(lastCommand, "lastCommand");
    availableVersions = List.copyOf(availableVersions);
  }

  /**
   * The version this host would move to: the staged image once one is written (a later refresh can
   * choose a newer release than the staged one, but the staged one is what boots), otherwise the
   * chosen update.
   */
  public Optional<String> targetVersion() {
    return switch (state) {
      case IDLE -> Optional.empty();
      case AVAILABLE -> chosenVersion;
      case STAGED, READY -> stagedVersion.or(() -> chosenVersion);
    };
  }

  /** Whether the host has an update to move to that differs from the running version. */
  public boolean hasUpdate() {
    return targetVersion().filter(v -> !v.equals(activeVersion)).isPresent();
  }

  /**
   * The most recent update command a host ran.
   *
   * @param type {@code refresh}, {@code prepare}, {@code activate} or {@code deactivate}
   * @param status {@code Success}, {@code Failed} or {@code Unknown}
   * @param timestamp RFC 3339 time of the command, as text (it has nanoseconds)
   * @param stderr what the command printed on failure, possibly empty
   */
  public record LastCommand(String type, String status, String timestamp, String stderr) {
    public boolean succeeded() {
      return "Success".equalsIgnoreCase(status);
    }

    public boolean failed() {
      return "Failed".equalsIgnoreCase(status);
    }
  }
}
