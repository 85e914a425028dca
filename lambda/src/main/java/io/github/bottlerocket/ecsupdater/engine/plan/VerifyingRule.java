package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import java.util.Optional;

/**
 * {@link Phase#VERIFYING}: the agent is back and an update check reads the version the host runs.
 * The version is compared with the one that was staged, not with the chosen update, which a refresh
 * can move past the staged image. A host back on its old version is a rollback only if it was seen
 * to reboot ({@link PhaseRecord.Mark#REBOOT_SEEN}). VERIFY_TIMEOUT fails it only when a status read
 * sent after the limit still gives no usable answer.
 */
final class VerifyingRule {
  private VerifyingRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    if (!v.instance().agentConnected()) {
      if (c.pastLimit(r)
          && !RebootingRule.hasFailure(v, FailureReason.REBOOT_TIMEOUT, r.targetVersion())) {
        return Step.fail(
            c,
            v,
            FailureReason.REBOOT_TIMEOUT,
            "the agent disconnected again and was still disconnected "
                + Durations.format(c.elapsed(r))
                + " after the verification began; left DRAINING",
            Decision.Undo.LEAVE_DRAINING);
      }
      return Step.of(
          v,
          Verdict.of(
              Outcome.IN_PROGRESS,
              Reason.AGENT_DISCONNECTED,
              "agent disconnected",
              "verify once the agent is back"));
    }
    if (c.pastLimit(r)) {
      return lastLook(v, r, c);
    }
    HostReply reply = c.observation().phaseReplies().get(v.arn());
    return switch (reply) {
      case null -> Step.waitFor(v, "the update check's result");
      case HostReply.Pending p -> Step.waitFor(v, "the update check (SSM " + p.status() + ")");
      case HostReply.Status st -> verdict(v, r, st.status(), false, c);
      case HostReply.Done d -> Step.resend(v, "the update check printed no status; checking again");
      case HostReply.Failed f -> {
        // `update check` prints nothing when the refresh fails (no route to the repository, for
        // example), but the status still says which version runs.
        Optional<ProbeResult> probe = c.probeFor(v, r);
        if (probe.isEmpty()) {
          yield Step.probe(
              v, "the check failed (" + f.error().kind() + "); reading the status instead");
        }
        if (probe.get().reply() instanceof HostReply.Status st) {
          yield verdict(v, r, st.status(), false, c);
        }
        yield probe.get().isDone()
            ? Step.resend(v, "neither check nor status answered; checking again")
            : Step.waitFor(v, "the host's update status");
      }
    };
  }

  /** Past VERIFY_TIMEOUT: one status read sent now decides. */
  private static Step lastLook(InstanceView v, PhaseRecord r, PlanContext c) {
    // A check that answered with the target is success, whenever it answered; anything else it
    // says may be from before the limit, so a status read sent now decides.
    HostReply reply = c.observation().phaseReplies().get(v.arn());
    if (reply instanceof HostReply.Status st
        && st.status().activeVersion().equals(r.targetVersion().orElse(""))) {
      return verdict(v, r, st.status(), true, c);
    }
    Optional<ProbeResult> probe = c.probeFor(v, r);
    if (probe.isEmpty()) {
      return Step.probe(v, "VERIFY_TIMEOUT passed; reading the status once more before deciding");
    }
    return switch (probe.get().reply()) {
      case HostReply.Pending p -> Step.waitFor(v, "the host's update status");
      case HostReply.Status st -> verdict(v, r, st.status(), true, c);
      case HostReply.Done d -> unusable(v, r, "the status read printed nothing", c);
      case HostReply.Failed f -> unusable(v, r, Describe.error(f.error()), c);
    };
  }

  private static Step unusable(InstanceView v, PhaseRecord r, String seen, PlanContext c) {
    return Step.fail(
        c,
        v,
        FailureReason.VERIFY_FAILED,
        "no usable version report "
            + Durations.format(c.elapsed(r))
            + " after the reboot ("
            + seen
            + ")",
        Decision.Undo.REACTIVATE);
  }

  /**
   * @param last whether this is the look after VERIFY_TIMEOUT, which decides
   */
  private static Step verdict(
      InstanceView v, PhaseRecord r, UpdateStatus now, boolean last, PlanContext c) {
    String target = r.targetVersion().orElse("");
    if (now.activeVersion().equals(target)) {
      return Step.of(
          v,
          new Decision.Complete(v, now.activeVersion()),
          new Verdict(
              Outcome.UPDATED,
              Optional.empty(),
              "running " + target,
              "set ACTIVE",
              Optional.of(now)));
    }
    if (now.state() == UpdateState.READY
        && now.stagedVersion().filter(target::equals).isPresent()) {
      // Not rebooted yet, or about to: the reboot may still be on its way down. Ask again until
      // VERIFY_TIMEOUT rather than set ACTIVE an instance that may reboot any moment.
      if (!last) {
        return Step.resend(
            v,
            "still running "
                + now.activeVersion()
                + " with "
                + target
                + " Ready; waiting for the reboot");
      }
      return Step.fail(
          c,
          v,
          FailureReason.REBOOT_NOT_PERFORMED,
          "still running "
              + now.activeVersion()
              + " with "
              + target
              + " Ready "
              + Durations.format(c.elapsed(r))
              + " after the verification began",
          Decision.Undo.CANCEL_AND_REACTIVATE);
    }
    if (r.fromVersion().filter(now.activeVersion()::equals).isPresent()) {
      if (!r.has(PhaseRecord.Mark.REBOOT_SEEN)) {
        return Step.fail(
            c,
            v,
            FailureReason.REBOOT_NOT_PERFORMED,
            "runs "
                + now.activeVersion()
                + " and nothing shows that it rebooted, so this is not taken as a rollback",
            Decision.Undo.REACTIVATE);
      }
      return Step.fail(
          c,
          v,
          FailureReason.ROLLED_BACK,
          "came back on " + now.activeVersion() + " instead of " + target,
          Decision.Undo.REACTIVATE);
    }
    return Step.fail(
        c,
        v,
        FailureReason.VERIFY_FAILED,
        "runs " + now.activeVersion() + ", expected " + target,
        Decision.Undo.REACTIVATE);
  }
}
