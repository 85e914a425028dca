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
 * background; a status probe tells when it is written. STAGE_TIMEOUT fails the download only when a
 * probe sent after it still shows the download unfinished: a pass that looks for the first time
 * after a long gap and finds the update staged moves on.
 */
final class StagingRule {
  private StagingRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    HostReply reply = c.observation().phaseReplies().get(v.arn());
    return switch (reply) {
      case null ->
          progress(v, r, Optional.empty(), Optional.of("the download request's result"), c);
      case HostReply.Pending p ->
          progress(
              v,
              r,
              Optional.empty(),
              Optional.of("the download request (SSM " + p.status() + ")"),
              c);
      // No output, like garbled output, says nothing about the download: the status decides.
      case HostReply.Done d -> progress(v, r, Optional.empty(), Optional.empty(), c);
      case HostReply.Failed f ->
          switch (f.error().kind()) {
            case WRONG_STATE, NOTHING_TO_APPLY ->
                Step.release(v, Reason.UPDATE_WITHDRAWN, Describe.error(f.error()));
            case LOCKED ->
                c.pastLimit(r)
                    ? progress(v, r, Optional.empty(), Optional.empty(), c)
                    : Step.resend(v, "another update command held the lock; asking again");
            case UNPARSEABLE -> progress(v, r, Optional.empty(), Optional.empty(), c);
            case UNINITIALIZED, FAILED, NOT_RUN -> fail(c, v, Describe.error(f.error()));
          };
      case HostReply.Status requested ->
          progress(v, r, Optional.of(requested.status()), Optional.empty(), c);
    };
  }

  /**
   * @param atRequest the status the download request printed, once it answered
   * @param awaiting what is awaited while the request has not answered; empty once it has
   */
  private static Step progress(
      InstanceView v,
      PhaseRecord r,
      Optional<UpdateStatus> atRequest,
      Optional<String> awaiting,
      PlanContext c) {
    boolean pastLimit = c.pastLimit(r);
    Optional<ProbeResult> probe = c.probeFor(v, r);
    if (probe.isEmpty()) {
      if (awaiting.isPresent() && !pastLimit) {
        return Step.waitFor(v, awaiting.get());
      }
      return Step.probe(
          v,
          pastLimit
              ? "STAGE_TIMEOUT passed; asking the host once more before deciding"
              : "downloading "
                  + r.targetVersion()
                      .or(() -> atRequest.flatMap(UpdateStatus::targetVersion))
                      .orElse("the update"));
    }
    return switch (probe.get().reply()) {
      case HostReply.Pending p -> Step.waitFor(v, "the host's update status");
      case HostReply.Done d ->
          pastLimit ? timeout(c, v, r, "the status read printed nothing") : again(c, v, probe, "");
      case HostReply.Failed f -> {
        if (f.error().kind() == HostError.Kind.UNINITIALIZED) {
          yield fail(c, v, "the host rebooted during the download");
        }
        // 423 is expected: the download holds the update lock.
        yield pastLimit
            ? timeout(c, v, r, "the host answers " + f.error().kind())
            : again(c, v, probe, " (" + f.error().kind() + ")");
      }
      case HostReply.Status st -> seen(v, r, atRequest, st.status(), probe.get(), c);
    };
  }

  private static Step seen(
      InstanceView v,
      PhaseRecord r,
      Optional<UpdateStatus> atRequest,
      UpdateStatus now,
      ProbeResult probe,
      PlanContext c) {
    Optional<String> requestedAt =
        atRequest.flatMap(UpdateStatus::lastCommand).map(UpdateStatus.LastCommand::timestamp);
    Optional<UpdateStatus.LastCommand> last = now.lastCommand();
    // Our download: a prepare newer than the one the request saw (any prepare, if the request's
    // own reply is not in yet).
    boolean ours =
        last.filter(x -> x.type().equals("prepare"))
            .filter(x -> requestedAt.map(t -> !t.equals(x.timestamp())).orElse(true))
            .isPresent();
    if (ours && last.get().failed()) {
      return fail(c, v, "prepare failed on the host: " + last.get().stderr());
    }
    boolean staged =
        (now.state() == UpdateState.STAGED || now.state() == UpdateState.READY)
            && now.stagedVersion().isPresent();
    boolean isTarget =
        now.stagedVersion()
            .filter(sv -> r.targetVersion().map(sv::equals).orElse(true))
            .isPresent();
    // Before the limit only our own download counts; after it, the target staged is what matters.
    if (staged && (ours || (c.pastLimit(r) && isTarget))) {
      return Step.of(
          v,
          new Decision.MarkStaged(v, now.stagedVersion().get(), Optional.of(now.activeVersion())),
          Verdict.inProgress(
                  "update " + now.stagedVersion().get() + " staged",
                  "drain when a slot, the window and capacity allow")
              .with(now));
    }
    if (c.pastLimit(r)) {
      return timeout(c, v, r, "the host reports " + now.state());
    }
    return again(c, v, Optional.of(probe), " (update state " + now.state() + ")");
  }

  /**
   * Asks about the download again, but only while its end could start a drain soon: with every
   * drain slot held by instances still draining or activating, the staged image would only wait,
   * and each question is an SSM command. A look after STAGE_TIMEOUT is taken whatever the slots.
   */
  private static Step again(
      PlanContext c, InstanceView v, Optional<ProbeResult> probe, String state) {
    if (!c.slots().drainSlotSoon()) {
      return Step.of(
          v,
          Verdict.inProgress(
              "downloading" + state,
              "ask the host again once a drain slot is free or about to free"));
    }
    return Step.probeAgain(c, v, probe.orElseThrow(), "downloading" + state);
  }

  private static Step timeout(PlanContext c, InstanceView v, PhaseRecord r, String seen) {
    return Step.fail(
        c,
        v,
        FailureReason.STAGE_TIMEOUT,
        "not Staged " + Durations.format(c.elapsed(r)) + " after the download began (" + seen + ")",
        Decision.Undo.NOTHING);
  }

  private static Step fail(PlanContext c, InstanceView v, String detail) {
    return Step.fail(c, v, FailureReason.STAGE_FAILED, detail, Decision.Undo.NOTHING);
  }
}
