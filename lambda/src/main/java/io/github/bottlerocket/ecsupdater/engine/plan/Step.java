package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rule returns for one instance: the decisions to carry out, in order, and its verdict. The
 * factories below are the moves every rule shares.
 *
 * @param instance the instance
 * @param decisions what to carry out
 * @param verdict what the report says about it
 */
record Step(InstanceView instance, List<Decision> decisions, Verdict verdict) {

  Step {
    decisions = List.copyOf(decisions);
  }

  static Step of(InstanceView v, Verdict verdict) {
    return new Step(v, List.of(), verdict);
  }

  static Step of(InstanceView v, Decision d, Verdict verdict) {
    return new Step(v, List.of(d), verdict);
  }

  /** This step with more decisions before its own. */
  Step after(List<Decision> first) {
    List<Decision> all = new ArrayList<>(first);
    all.addAll(decisions);
    return new Step(instance, all, verdict);
  }

  /** Ask the host for its update status. */
  static Step probe(InstanceView v, String detail) {
    return of(
        v, new Decision.Probe(v), Verdict.inProgress(detail, "ask the host for its update status"));
  }

  /**
   * Ask the host again once {@code POLL_INTERVAL} has passed since the last probe: a download takes
   * minutes, and each probe is an SSM command.
   */
  static Step probeAgain(PlanContext c, InstanceView v, ProbeResult last, String detail) {
    if (Duration.between(last.sentAt(), c.now()).compareTo(c.settings().pollInterval()) >= 0) {
      return probe(v, detail);
    }
    return of(v, Verdict.inProgress(detail, "ask the host again shortly"));
  }

  static Step waitFor(InstanceView v, String what) {
    return of(v, Verdict.inProgress("waiting for " + what, "continue when it answers"));
  }

  static Step resend(InstanceView v, String detail) {
    return of(
        v, new Decision.Resend(v), Verdict.inProgress(detail, "send the step's command again"));
  }

  static Step release(InstanceView v, Reason reason, String detail) {
    return of(
        v,
        new Decision.Release(v, reason, detail),
        Verdict.of(
            Outcome.SKIPPED,
            reason,
            detail,
            "the updater's record is removed; checked again by a later pass"));
  }

  static Step fail(
      PlanContext c, InstanceView v, FailureReason reason, String detail, Decision.Undo undo) {
    Decision.Fail f = new Decision.Fail(v, reason, detail, undo);
    return of(
        v,
        f,
        Verdict.of(
            Outcome.FAILED,
            reason,
            reason.summary() + ": " + detail,
            Lines.afterFailure(f, c.retryAfterNextFailure(v))));
  }
}
