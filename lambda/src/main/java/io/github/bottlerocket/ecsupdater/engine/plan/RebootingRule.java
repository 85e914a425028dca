package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@link Phase#REBOOTING}: the reboot was sent; the updater waits for the agent to come back and
 * then establishes that the host really rebooted before it reads the version. Evidence of a reboot:
 * the agent seen disconnected, the update status lost with the old boot (404), or the host running
 * the target. A status that survived from before the reboot command, or that is still Ready, shows
 * that no reboot happened. A host still Ready on its old version after REBOOT_GRACE is sent the
 * reboot once more. REBOOT_TIMEOUT fails the host only when the agent is seen disconnected after
 * it.
 */
final class RebootingRule {
  private RebootingRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    boolean alreadyFailed = hasFailure(v, FailureReason.REBOOT_TIMEOUT, r.targetVersion());
    if (!v.instance().agentConnected()) {
      if (!alreadyFailed && c.pastLimit(r)) {
        return Step.fail(
            c,
            v,
            FailureReason.REBOOT_TIMEOUT,
            "agent not connected "
                + Durations.format(c.elapsed(r))
                + " after the reboot; left DRAINING",
            Decision.Undo.LEAVE_DRAINING);
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
          v, Verdict.inProgress("rebooting (agent disconnected)", "verify once the agent is back"));
    }
    // A host recorded as not back within REBOOT_TIMEOUT was seen disconnected then.
    if (alreadyFailed || c.observation().seenDisconnected().contains(v.arn())) {
      return verify(v, true, alreadyFailed);
    }
    if (c.elapsed(r).compareTo(c.settings().rebootGrace()) < 0) {
      return Step.of(v, Verdict.inProgress("reboot sent", "verify once the agent is back"));
    }
    Optional<ProbeResult> probe = c.probeFor(v, r);
    if (probe.isEmpty()) {
      return Step.probe(
          v, "agent connected; reading the update status to tell whether it rebooted");
    }
    return switch (probe.get().reply()) {
      case HostReply.Pending p -> Step.waitFor(v, "the host's update status");
      case HostReply.Failed f when f.error().kind() == HostError.Kind.UNINITIALIZED ->
          // The status lives on tmpfs: uninitialized means a new boot.
          verify(v, true, false);
      case HostReply.Failed f ->
          c.pastLimit(r)
              ? verify(v, false, false)
              : Step.probeAgain(
                  c, v, probe.get(), "reading the update status (" + f.error().kind() + ")");
      case HostReply.Done d ->
          c.pastLimit(r)
              ? verify(v, false, false)
              : Step.probeAgain(c, v, probe.get(), "reading the update status");
      case HostReply.Status st -> status(v, r, st.status(), probe.get(), c);
    };
  }

  private static Step status(
      InstanceView v, PhaseRecord r, UpdateStatus now, ProbeResult probe, PlanContext c) {
    String target = r.targetVersion().orElse("");
    if (now.activeVersion().equals(target)) {
      return verify(v, true, false);
    }
    boolean ready =
        now.state() == UpdateState.READY
            && now.stagedVersion().filter(target::equals).isPresent()
            && now.stagedNextToBoot();
    if (ready) {
      if (c.pastLimit(r)) {
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
                + " after the reboot was sent",
            Decision.Undo.CANCEL_AND_REACTIVATE);
      }
      if (!r.has(PhaseRecord.Mark.REBOOT_RESENT)) {
        // The reboot is recorded before it is sent; it may never have reached the host. The
        // reboot document reboots only a host whose update is Ready, so a second one is harmless.
        return Step.resend(
            v,
            "still running "
                + now.activeVersion()
                + " with "
                + target
                + " Ready after REBOOT_GRACE; sending the reboot again");
      }
      return Step.probeAgain(
          c,
          v,
          probe,
          "still running "
              + now.activeVersion()
              + " with "
              + target
              + " Ready; waiting for the reboot");
    }
    Optional<UpdateStatus.LastCommand> last = now.lastCommand();
    boolean survived =
        last.flatMap(x -> instant(x.timestamp())).filter(t -> t.isBefore(r.since())).isPresent();
    boolean cancelled = last.filter(x -> x.type().equals("deactivate")).isPresent();
    if (survived || cancelled) {
      return Step.fail(
          c,
          v,
          FailureReason.REBOOT_NOT_PERFORMED,
          "the host did not reboot ("
              + (survived
                  ? "its update status is from before the reboot was sent"
                  : "the activation was cancelled on the host")
              + ") and its update is no longer Ready (state "
              + now.state()
              + ")",
          Decision.Undo.REACTIVATE);
    }
    // A status begun after the reboot was sent and no longer Ready: a new boot wrote it.
    return verify(v, true, false);
  }

  private static Step verify(InstanceView v, boolean rebootSeen, boolean alreadyFailed) {
    return Step.of(
        v,
        new Decision.Verify(v, rebootSeen),
        new Verdict(
            alreadyFailed ? Outcome.FAILED : Outcome.IN_PROGRESS,
            Optional.empty(),
            rebootSeen ? "the host rebooted and its agent is back" : "agent connected",
            "read the running version",
            Optional.empty()));
  }

  private static Optional<Instant> instant(String timestamp) {
    try {
      return Optional.of(OffsetDateTime.parse(timestamp).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static boolean hasFailure(InstanceView v, FailureReason reason, Optional<String> target) {
    return v.failure()
        .filter(f -> f.reason() == reason && f.targetVersion().equals(target))
        .isPresent();
  }
}
