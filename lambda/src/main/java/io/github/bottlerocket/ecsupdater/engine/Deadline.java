package io.github.bottlerocket.ecsupdater.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** How much time the current pass has left. */
@FunctionalInterface
public interface Deadline {
  Duration remaining();

  /** A deadline at {@code end} on {@code clock}. */
  static Deadline at(Instant end, Clock clock) {
    return () -> Duration.between(clock.instant(), end);
  }
}
