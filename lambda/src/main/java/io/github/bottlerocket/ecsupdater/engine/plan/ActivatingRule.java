package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Phase#ACTIVATING}: the drained host was asked to make the staged update the next boot. The
 * reboot is sent once the host reports Ready, and never while tasks other than daemon tasks run.
 * ACTIVATE_TIMEOUT fails the activation only when a status read sent after it still shows no Ready,
 * or tasks other than daemon tasks are still seen then. A host found already running the target, or
 * with its update status lost to a reboot, is verified instead.
 */
final class ActivatingRule {
  private ActivatingRule() {}

  static Step decide(InstanceView v, PlanContext c) {
    PhaseRecord r = v.record().orElseThrow();
    List<Decision> needs = Needs.forTasks(c, v);
    if (!needs.isEmpty()) {
      return new Step(
          v, needs, Verdict.inProgress("reading tasks", "reboot once the update is Ready"));
    }
    List<TaskInfo> tasks = c.tasks(v).orElseThrow();
    List<TaskInfo> running = new ArrayList<>(Capacity.movable(tasks, c.daemonServices()));
    running.addAll(Capacity.standalone(tasks));
    if (!running.isEmpty()) {
      // Never reboot a host that runs tasks other than daemon tasks.
      if (c.pastLimit(r)) {
        return fail(
            c,
            v,
            running.size()
                + " task(s) other than daemon tasks still run "
                + Durations.format(c.elapsed(r))
                + " after the activation");
      }
      return Step.of(
          v,
          Verdict.inProgress(
              running.size() + " task(s) other than daemon tasks run on it",
              "reboot once they are gone"));
    }
    HostReply reply = c.observation().phaseReplies().get(v.arn());
    boolean wasLocked = false;
    switch (reply) {
      case null -> {
        if (!c.pastLimit(r)) {
          return Step.waitFor(v, "the activation's result");
        }
      }
      case HostReply.Pending p -> {
        if (!c.pastLimit(r)) {
          return Step.waitFor(v, "the activation (SSM " + p.status() + ")");
        }
      }
      case HostReply.Failed f -> {
        HostError.Kind k = f.error().kind();
        if (k != HostError.Kind.WRONG_STATE && k != HostError.Kind.LOCKED) {
          return fail(c, v, Describe.error(f.error()));
        }
        wasLocked = k == HostError.Kind.LOCKED;
      }
      case HostReply.Done d -> {}
      case HostReply.Status st -> {}
    }
    return ready(v, r, wasLocked, c);
  }

  private static Step ready(InstanceView v, PhaseRecord r, boolean wasLocked, PlanContext c) {
    String target = r.targetVersion().orElse("");
    boolean pastLimit = c.pastLimit(r);
    Optional<ProbeResult> probe = c.probeFor(v, r);
    if (probe.isEmpty()) {
      return Step.probe(
          v,
          pastLimit
              ? "ACTIVATE_TIMEOUT passed; asking the host once more before deciding"
              : "waiting for Ready");
    }
    return switch (probe.get().reply()) {
      case HostReply.Pending p -> Step.waitFor(v, "the host's update status");
      case HostReply.Done d ->
          pastLimit
              ? notReady(c, v, r, "the status read printed nothing")
              : Step.probe(v, "waiting for Ready");
      case HostReply.Failed f when f.error().kind() == HostError.Kind.UNINITIALIZED ->
          // The status lives on tmpfs: the host booted since the activation was sent.
          rebootedUnrecorded(v, false, "its update status was lost with a reboot");
      case HostReply.Failed f -> {
        if (f.error().kind() != HostError.Kind.LOCKED) {
          yield fail(c, v, Describe.error(f.error()));
        }
        yield pastLimit
            ? notReady(c, v, r, "the update is still locked")
            : Step.probe(v, "waiting for Ready (locked)");
      }
      case HostReply.Status st -> {
        UpdateStatus now = st.status();
        if (now.activeVersion().equals(target)) {
          yield rebootedUnrecorded(v, true, "it already runs " + target);
        }
        boolean staged = now.stagedVersion().filter(target::equals).isPresent();
        Optional<UpdateStatus.LastCommand> last = now.lastCommand();
        if (now.state() == UpdateState.READY && staged && now.stagedNextToBoot()) {
          yield Step.of(
              v,
              new Decision.Reboot(v),
              Verdict.inProgress(
                      "update " + target + " Ready", "reboot; wait for the agent to come back")
                  .with(now));
        }
        if (now.state() == UpdateState.STAGED && staged) {
          if (last.filter(x -> x.type().equals("activate") && x.failed()).isPresent()) {
            yield fail(c, v, "activate failed on the host: " + last.get().stderr());
          }
          if (pastLimit) {
            yield notReady(c, v, r, "the host reports " + now.state());
          }
          yield wasLocked
              ? Step.resend(v, "the activation met a locked update; asking again")
              : Step.probe(v, "waiting for Ready");
        }
        yield fail(c, v, Describe.unexpected(now, target));
      }
    };
  }

  /**
   * The host rebooted while the record still said ACTIVATING (a reboot not made by this updater, or
   * one recorded by an earlier version only after it was sent): verify it. Only a host seen on the
   * target counts as seen to reboot, so that a reboot before the activation took effect is not
   * taken for a rollback.
   */
  private static Step rebootedUnrecorded(InstanceView v, boolean onTarget, String seen) {
    return Step.of(
        v,
        new Decision.Verify(v, onTarget),
        Verdict.inProgress(
            "the host rebooted during its activation: " + seen, "read the running version"));
  }

  private static Step notReady(PlanContext c, InstanceView v, PhaseRecord r, String seen) {
    return fail(
        c,
        v,
        "not Ready " + Durations.format(c.elapsed(r)) + " after the activation (" + seen + ")");
  }

  private static Step fail(PlanContext c, InstanceView v, String detail) {
    return Step.fail(
        c, v, FailureReason.ACTIVATE_FAILED, detail, Decision.Undo.CANCEL_AND_REACTIVATE);
  }
}
