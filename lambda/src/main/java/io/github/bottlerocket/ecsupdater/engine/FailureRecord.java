package io.github.bottlerocket.ecsupdater.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The last failure of an instance's update, kept on the container instance until an update of it
 * succeeds or an operator deletes it.
 *
 * @param reason why it failed
 * @param phase the phase it failed in; empty for a failure before any update began (a failed update
 *     check)
 * @param targetVersion the version it was moving to, if known
 * @param at when it failed
 * @param count how many times in a row it failed
 */
public record FailureRecord(
    FailureReason reason,
    Optional<Phase> phase,
    Optional<String> targetVersion,
    Instant at,
    int count) {

  public FailureRecord {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(targetVersion, "targetVersion");
    Objects.requireNonNull(at, "at");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1");
    }
  }

  /**
   * When the instance may be tried again: {@code base} doubled for each failure after the first, at
   * most {@code max}.
   */
  public Instant retryAfter(Duration base, Duration max) {
    Duration wait = backoff(count, base, max);
    return at.isAfter(Instant.MAX.minus(wait)) ? Instant.MAX : at.plus(wait);
  }

  /**
   * The wait after the {@code count}-th failure in a row: {@code base} doubled for each failure
   * after the first, at most {@code max}.
   */
  public static Duration backoff(int count, Duration base, Duration max) {
    Duration wait = base.compareTo(max) > 0 ? max : base;
    // Stops at the bound (a few dozen doublings at most), not after count steps: the count comes
    // from an attribute and may be huge, and a zero wait never grows.
    for (int i = 1; i < count && !wait.isZero() && wait.compareTo(max) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(max) > 0 ? max : wait;
  }
}
