package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import java.util.Optional;

/**
 * {@link Phase#STAGED}: the update is written and waits for its drain. Before the drain the host is
 * asked once more that the staged image is still there and is the target: when the drain slot it
 * waits for is held by an instance that only reboots or verifies, ahead of the slot, so that its
 * drain starts the moment the slot frees; otherwise once it holds the slot.
 */
final class StagedRule {
  private StagedRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    var i = v.instance();
    if (v.optedOut()) {
      return Step.release(
          v, Reason.OPTED_OUT, "opted out while staged; the staged image stays inactive");
    }
    if (i.status() != InstanceStatus.ACTIVE) {
      return Step.of(
          v,
          Verdict.of(
              Outcome.WAITING,
              Reason.NOT_ACTIVE,
              "status " + i.status(),
              "drain once ACTIVE again"));
    }
    if (!i.agentConnected()) {
      return Step.of(
          v,
          Verdict.of(
              Outcome.WAITING, Reason.AGENT_DISCONNECTED, "", "drain once the agent reconnects"));
    }
    switch (DrainCheck.of(c, v)) {
      case DrainCheck.Blocked b when b.block().reason() == Reason.STANDALONE_TASKS -> {
        return Step.fail(
            c,
            v,
            FailureReason.STANDALONE_TASKS_APPEARED,
            b.block().detail(),
            Decision.Undo.NOTHING);
      }
      case DrainCheck.Blocked b
          when b.block().reason() == Reason.NO_DRAIN_SLOT && c.slots().nextInLine(v) -> {
        // The slot frees within a reboot: confirm the staged image now, so that the drain starts
        // the moment it is free instead of a status read later.
        Verdict waiting =
            Verdict.of(
                Outcome.WAITING,
                b.block().reason(),
                b.block().detail() + "; next in line, its staged image is confirmed ahead",
                "drain when the slot frees");
        PhaseRecord r = v.record().orElseThrow();
        return c.probeSince(v, r.since()).isPresent()
            ? Step.of(v, waiting)
            : Step.of(v, new Decision.Probe(v), waiting);
      }
      case DrainCheck.Blocked b when QueuedRule.isVersionGate(b.block().reason()) -> {
        // Bottlerocket staged a version the gates refuse (a release came out between the check and
        // the download): it stays on the inactive partition, and the next check decides.
        return Step.release(
            v, b.block().reason(), b.block().detail() + "; the staged image stays inactive");
      }
      case DrainCheck.Blocked b -> {
        return Step.of(
            v,
            Verdict.of(
                Outcome.WAITING,
                b.block().reason(),
                b.block().detail(),
                b.until()
                    .map(t -> "drain after " + t + " if it is allowed and safe then")
                    .orElse("drain when it is allowed and safe")));
      }
      case DrainCheck.NeedsData n -> {
        return new Step(
            v,
            n.needs(),
            new Verdict(
                Outcome.WAITING,
                Optional.empty(),
                "reading tasks and services",
                "drain if it is safe",
                Optional.empty()));
      }
      case DrainCheck.Clear ok -> {}
    }
    return confirmThenDrain(v, c, "draining");
  }

  /**
   * Confirms with a status probe that the staged image is still there and is the target, then
   * drains. Holds the drain slot meanwhile.
   *
   * @param draining the detail of the report line once the drain is decided
   */
  static Step confirmThenDrain(InstanceView v, PlanContext c, String draining) {
    PhaseRecord r = v.record().orElseThrow();
    String target = r.targetVersion().orElse("");
    Optional<ProbeResult> probe = c.probeSince(v, r.since());
    if (probe.isEmpty()) {
      c.slots().takeDrain(v);
      return Step.probe(v, "confirming the staged update before the drain");
    }
    return switch (probe.get().reply()) {
      case HostReply.Pending p -> {
        c.slots().takeDrain(v);
        yield Step.waitFor(v, "the host's update status before the drain");
      }
      case HostReply.Done d -> {
        c.slots().takeDrain(v);
        yield Step.probe(v, "confirming the staged update");
      }
      case HostReply.Failed f -> {
        if (f.error().isTransient() && f.error().kind() != HostError.Kind.UNINITIALIZED) {
          c.slots().takeDrain(v);
          yield Step.probe(v, "confirming the staged update (" + f.error().kind() + ")");
        }
        yield Step.fail(
            c, v, FailureReason.STAGE_LOST, Describe.error(f.error()), Decision.Undo.NOTHING);
      }
      case HostReply.Status st -> {
        UpdateStatus now = st.status();
        boolean stagedOk =
            (now.state() == UpdateState.STAGED || now.state() == UpdateState.READY)
                && now.stagedVersion().filter(target::equals).isPresent();
        if (!stagedOk) {
          yield Step.fail(
              c,
              v,
              FailureReason.STAGE_LOST,
              Describe.unexpected(now, target),
              Decision.Undo.NOTHING);
        }
        c.slots().takeDrain(v);
        c.slots().grant(v);
        yield Step.of(
            v,
            new Decision.StartDrain(v, InstanceGuards.shieldFor(c, v)),
            Verdict.inProgress(draining, "reboot once only daemon tasks remain").with(now));
      }
    };
  }
}
