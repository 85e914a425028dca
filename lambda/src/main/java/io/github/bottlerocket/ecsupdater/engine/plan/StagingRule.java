package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import java.util.Optional;

/**
 * {@link Phase#STAGING}: the host was asked to download the update. The download runs in the host's
 * background; the status probe tells when it is written.
 */
final class StagingRule {
  private StagingRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    if (c.elapsed(r).compareTo(c.settings().stageTimeout()) > 0) {
      return Step.fail(
          c,
          v,
          FailureReason.STAGE_TIMEOUT,
          "no Staged status after " + Durations.format(c.elapsed(r)),
          Decision.Undo.NOTHING);
    }
    HostReply reply = c.observation().phaseReplies().get(v.arn());
    return switch (reply) {
      case null -> Step.waitFor(v, "the download request's result");
      case HostReply.Pending p -> Step.waitFor(v, "the download request (SSM " + p.status() + ")");
      case HostReply.Done d ->
          Step.fail(
              c,
              v,
              FailureReason.STAGE_FAILED,
              "the download request printed no status",
              Decision.Undo.NOTHING);
      case HostReply.Failed f ->
          switch (f.error().kind()) {
            case WRONG_STATE, NOTHING_TO_APPLY ->
                Step.release(v, Reason.UPDATE_WITHDRAWN, Describe.error(f.error()));
            case LOCKED -> Step.resend(v, "another update command held the lock; asking again");
            case UNINITIALIZED, UNPARSEABLE, FAILED, NOT_RUN ->
                Step.fail(
                    c,
                    v,
                    FailureReason.STAGE_FAILED,
                    Describe.error(f.error()),
                    Decision.Undo.NOTHING);
          };
      case HostReply.Status requested -> progress(v, r, requested.status(), c);
    };
  }

  private static Step progress(
      InstanceView v, PhaseRecord r, UpdateStatus atRequest, PlanContext c) {
    String requestedAt =
        atRequest.lastCommand().map(UpdateStatus.LastCommand::timestamp).orElse("");
    Optional<ProbeResult> probe = c.probeSince(v, r.since());
    if (probe.isEmpty()) {
      return Step.probe(
          v, "downloading " + r.targetVersion().or(atRequest::targetVersion).orElse("the update"));
    }
    return switch (probe.get().reply()) {
      case HostReply.Pending p -> Step.waitFor(v, "the host's update status");
      case HostReply.Done d -> Step.probeAgain(c, v, probe.get(), "downloading");
      case HostReply.Failed f -> {
        if (f.error().kind() == HostError.Kind.UNINITIALIZED) {
          yield Step.fail(
              c,
              v,
              FailureReason.STAGE_FAILED,
              "the host rebooted during the download",
              Decision.Undo.NOTHING);
        }
        // 423 is expected: the download holds the update lock. Anything else: ask again until
        // STAGE_TIMEOUT.
        yield Step.probeAgain(c, v, probe.get(), "downloading (" + f.error().kind() + ")");
      }
      case HostReply.Status st -> {
        UpdateStatus now = st.status();
        Optional<UpdateStatus.LastCommand> last = now.lastCommand();
        boolean ours =
            last.filter(x -> x.type().equals("prepare") && !x.timestamp().equals(requestedAt))
                .isPresent();
        if (ours && last.get().failed()) {
          yield Step.fail(
              c,
              v,
              FailureReason.STAGE_FAILED,
              "prepare failed on the host: " + last.get().stderr(),
              Decision.Undo.NOTHING);
        }
        if (ours
            && (now.state() == UpdateState.STAGED || now.state() == UpdateState.READY)
            && now.stagedVersion().isPresent()) {
          yield Step.of(
              v,
              new Decision.MarkStaged(
                  v, now.stagedVersion().get(), Optional.of(now.activeVersion())),
              Verdict.inProgress(
                      "update " + now.stagedVersion().get() + " staged",
                      "drain when a slot, the window and capacity allow")
                  .with(now));
        }
        yield Step.probeAgain(c, v, probe.get(), "downloading (update state " + now.state() + ")");
      }
    };
  }
}
