package io.github.bottlerocket.ecsupdater.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What ECS says about one task's scale-in protection ({@code GetTaskProtection}).
 *
 * @param taskArn the task
 * @param state whether it is protected, not protected, or ECS could not say
 * @param expiresAt when the protection ends, for a protected task (ECS clears it then)
 * @param failure ECS's reason, when it could not say ({@code MISSING} tasks are reported as not
 *     protected: they are gone)
 */
public record TaskProtection(
    String taskArn, State state, Optional<Instant> expiresAt, Optional<String> failure) {

  /** What ECS answered for the task. */
  public enum State {
    PROTECTED,
    NOT_PROTECTED,
    /** ECS answered with a failure other than the task being gone. */
    UNKNOWN
  }

  public TaskProtection {
    Objects.requireNonNull(taskArn, "taskArn");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(failure, "failure");
  }

  public static TaskProtection protectedUntil(String taskArn, Optional<Instant> expiresAt) {
    return new TaskProtection(taskArn, State.PROTECTED, expiresAt, Optional.empty());
  }

  public static TaskProtection notProtected(String taskArn) {
    return new TaskProtection(taskArn, State.NOT_PROTECTED, Optional.empty(), Optional.empty());
  }

  public static TaskProtection unknown(String taskArn, String failure) {
    return new TaskProtection(taskArn, State.UNKNOWN, Optional.empty(), Optional.of(failure));
  }

  /**
   * Whether a drain at {@code now} would go against this protection: the task is protected and the
   * protection has not expired yet (or has no end), or ECS could not say. An unknown answer counts
   * as protected, so that a drain never stops work that asked not to be stopped.
   */
  public boolean holdsAt(Instant now) {
    return switch (state) {
      case PROTECTED -> expiresAt.map(now::isBefore).orElse(true);
      case UNKNOWN -> true;
      case NOT_PROTECTED -> false;
    };
  }
}
