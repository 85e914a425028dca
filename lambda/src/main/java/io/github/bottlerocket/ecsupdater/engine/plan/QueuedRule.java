package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.GateCheck;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import java.util.Optional;

/** {@link Phase#QUEUED}: an update was found and waits for a download slot. */
final class QueuedRule {
  private QueuedRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    var i = v.instance();
    if (v.optedOut()) {
      return Step.release(v, Reason.OPTED_OUT, "opted out while queued");
    }
    if (i.status() != InstanceStatus.ACTIVE) {
      return Step.release(v, Reason.NOT_ACTIVE, "status " + i.status() + " while queued");
    }
    if (!i.agentConnected()) {
      return Step.release(v, Reason.AGENT_DISCONNECTED, "agent disconnected while queued");
    }
    if (!Download.attributeRoom(v)) {
      return Step.release(v, Reason.ATTRIBUTE_LIMIT, Download.attributeDetail(v));
    }
    Optional<Block> block = c.startBlock();
    if (block.isPresent()) {
      return Step.of(
          v,
          Verdict.of(
              Outcome.WAITING,
              block.get().reason(),
              block.get().detail(),
              "download starts once allowed"));
    }
    if (!c.slots().downloadRoom()) {
      return Step.of(
          v,
          Verdict.of(
              Outcome.WAITING,
              Reason.NO_DOWNLOAD_SLOT,
              "queued since " + r.since(),
              "download starts when a slot frees"));
    }
    switch (c.startGates(v, r.targetVersion())) {
      case GateCheck.NeedsFacts n -> {
        return new Step(
            v,
            n.needs(),
            new Verdict(
                Outcome.WAITING,
                Optional.empty(),
                "reading the rollout gates",
                "download starts if every gate allows it",
                Optional.empty()));
      }
      case GateCheck.Held h when isVersionGate(h.hold().reason()) -> {
        // The version no longer qualifies: the next check asks the host what it is offered then.
        return Step.release(v, h.hold().reason(), h.hold().detail());
      }
      case GateCheck.Held h -> {
        return Step.of(
            v,
            Verdict.of(
                Outcome.WAITING,
                h.hold().reason(),
                h.hold().detail(),
                h.hold().next("download starts")));
      }
      case GateCheck.Clear ok -> {}
    }
    return Download.start(c, v, r.targetVersion(), r.fromVersion(), Optional.empty());
  }

  /** The gates that refuse a version rather than hold the whole cluster. */
  static boolean isVersionGate(Reason reason) {
    return reason == Reason.VERSION_ABOVE_MAX
        || reason == Reason.RELEASE_TOO_YOUNG
        || reason == Reason.NOT_PROMOTED;
  }
}
