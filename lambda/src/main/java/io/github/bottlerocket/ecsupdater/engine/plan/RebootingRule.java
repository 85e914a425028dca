package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import java.util.Optional;

/** {@link Phase#REBOOTING}: the reboot was sent; the updater waits for the agent to come back. */
final class RebootingRule {
  private RebootingRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    boolean alreadyFailed = hasFailure(v, FailureReason.REBOOT_TIMEOUT, r.targetVersion());
    boolean connected = v.instance().agentConnected();
    if (!alreadyFailed && c.elapsed(r).compareTo(c.settings().rebootTimeout()) > 0 && !connected) {
      return Step.fail(
          c,
          v,
          FailureReason.REBOOT_TIMEOUT,
          "agent not connected "
              + Durations.format(c.elapsed(r))
              + " after the reboot; left DRAINING",
          Decision.Undo.LEAVE_DRAINING);
    }
    boolean back =
        connected
            && (c.observation().seenDisconnected().contains(v.arn())
                || c.elapsed(r).compareTo(c.settings().rebootGrace()) >= 0);
    if (back) {
      return Step.of(
          v,
          new Decision.Verify(v),
          new Verdict(
              alreadyFailed ? Outcome.FAILED : Outcome.IN_PROGRESS,
              Optional.empty(),
              "agent reconnected",
              "read the running version",
              Optional.empty()));
    }
    if (alreadyFailed) {
      return Step.of(
          v,
          Verdict.of(
              Outcome.FAILED,
              FailureReason.REBOOT_TIMEOUT,
              "the host has not come back; left DRAINING",
              "verified if the agent reconnects; an operator should look at the host"));
    }
    return Step.of(
        v,
        Verdict.inProgress(
            connected ? "reboot sent" : "rebooting (agent disconnected)",
            "verify once the agent is back"));
  }

  static boolean hasFailure(InstanceView v, FailureReason reason, Optional<String> target) {
    return v.failure()
        .filter(f -> f.reason() == reason && f.targetVersion().equals(target))
        .isPresent();
  }
}
