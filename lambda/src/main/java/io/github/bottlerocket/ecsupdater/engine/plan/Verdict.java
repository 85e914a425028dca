package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Cause;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rule says about one instance, before it becomes a report line.
 *
 * @param outcome where the instance stands
 * @param cause why it is skipped, waiting or failed; empty while a step simply runs
 * @param detail the specifics
 * @param next what happens next, in words
 * @param status the host's update status, when this pass read it
 */
record Verdict(
    Outcome outcome,
    Optional<Cause> cause,
    String detail,
    String next,
    Optional<UpdateStatus> status) {

  Verdict {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(status, "status");
  }

  static Verdict of(Outcome outcome, Cause cause, String detail, String next) {
    return new Verdict(outcome, Optional.of(cause), detail, next, Optional.empty());
  }

  /** A step is under way; nothing is wrong. */
  static Verdict inProgress(String detail, String next) {
    return new Verdict(Outcome.IN_PROGRESS, Optional.empty(), detail, next, Optional.empty());
  }

  /** The same, with the host's status that this pass read. */
  Verdict with(UpdateStatus s) {
    return new Verdict(outcome, cause, detail, next, Optional.of(s));
  }
}
