package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.engine.Reason;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A rollout gate holds new work back.
 *
 * @param reason the reason, as reported
 * @param detail the specifics: what holds it and what to do
 * @param until when it lets work through, if nothing else changes and that is known
 */
public record Hold(Reason reason, String detail, Optional<Instant> until) {
  public Hold {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(until, "until");
  }

  static Hold of(Reason reason, String detail) {
    return new Hold(reason, detail, Optional.empty());
  }

  static Hold until(Reason reason, String detail, Instant until) {
    return new Hold(reason, detail, Optional.of(until));
  }

  /** What the instance's line says happens next. */
  public String next(String what) {
    return until
        .map(t -> what + " after " + t + " if nothing else holds it")
        .orElse(what + " once allowed");
  }
}
