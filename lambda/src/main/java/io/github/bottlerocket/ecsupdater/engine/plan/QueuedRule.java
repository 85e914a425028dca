package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.Reason;
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
    if (c.slots().downloadRoom()) {
      return Download.start(c, v, r.targetVersion(), r.fromVersion(), Optional.empty());
    }
    return Step.of(
        v,
        Verdict.of(
            Outcome.WAITING,
            Reason.NO_DOWNLOAD_SLOT,
            "queued since " + r.since(),
            "download starts when a slot frees"));
  }
}
