package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.CheckRound;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.FailureRecord;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.GateCheck;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Idle instances: who may be checked for an update, the check itself, and what each reply means.
 * The cluster's idle instances are checked when a download slot is free, nothing is queued and
 * CHECK_INTERVAL has passed; an instance whose last check failed is checked again sooner, after
 * CHECK_RETRY_INTERVAL (doubling). A failed check is recorded on the instance and shown in every
 * report until a check succeeds.
 */
final class IdleRule {
  private IdleRule() {}

  /**
   * The decisions about all idle instances together, and a step per instance.
   *
   * @param decisions decisions that concern several instances (the update check), before the steps'
   */
  record Batch(List<Decision> decisions, List<Step> steps) {}

  private record Candidate(InstanceView view, UpdateStatus status) {}

  static Batch decide(List<InstanceView> idle, boolean anyQueued, PlanContext c) {
    List<Step> steps = new ArrayList<>();
    List<InstanceView> checkable = new ArrayList<>();
    for (InstanceView v : idle) {
      Optional<Step> skip = skip(v, c);
      if (skip.isPresent()) {
        steps.add(skip.get());
      } else {
        checkable.add(v);
      }
    }
    return switch (c.observation().round()) {
      case CheckRound.NotStarted ignored -> planCheck(checkable, anyQueued, c, steps);
      case CheckRound.Running running -> {
        for (InstanceView v : checkable) {
          steps.add(Step.of(v, checking(v, running.instanceArns().contains(v.arn()), c)));
        }
        yield new Batch(List.of(), steps);
      }
      case CheckRound.Done done -> {
        steps.addAll(checked(checkable, done, c));
        yield new Batch(List.of(), steps);
      }
    };
  }

  private static Optional<Step> skip(InstanceView v, PlanContext c) {
    var i = v.instance();
    if (v.optedOut()) {
      return Optional.of(
          Step.of(
              v,
              Verdict.of(
                  Outcome.SKIPPED,
                  Reason.OPTED_OUT,
                  "",
                  "nothing while the opt-out attribute is set")));
    }
    if (i.status() != InstanceStatus.ACTIVE) {
      return Optional.of(
          Step.of(
              v,
              Verdict.of(
                  Outcome.SKIPPED,
                  Reason.NOT_ACTIVE,
                  "status " + i.status(),
                  "checked at the first update check once ACTIVE")));
    }
    if (!i.agentConnected()) {
      return Optional.of(
          Step.of(
              v,
              Verdict.of(
                  Outcome.SKIPPED,
                  Reason.AGENT_DISCONNECTED,
                  "",
                  "checked at the first update check once the agent reconnects")));
    }
    Optional<FailureRecord> check = PlanContext.failedCheck(v);
    if (check.isPresent() && c.checkAgainAt(check.get()).isAfter(c.now())) {
      return Optional.of(
          Step.of(
              v,
              Verdict.of(
                  Outcome.SKIPPED,
                  FailureReason.CHECK_FAILED,
                  failedChecks(check.get()),
                  "checked again after " + c.checkAgainAt(check.get()))));
    }
    Optional<FailureRecord> f =
        v.failure().filter(x -> x.reason().retry() == FailureReason.Retry.BACK_OFF);
    if (f.isPresent() && c.retryAfter(f.get()).isAfter(c.now())) {
      return Optional.of(
          Step.of(
              v,
              Verdict.of(
                  Outcome.SKIPPED,
                  Reason.BACKING_OFF,
                  "failed "
                      + f.get().count()
                      + " time(s), last: "
                      + f.get().reason()
                      + f.get().phase().map(p -> " in " + p).orElse(""),
                  "tried again at the first update check after " + c.retryAfter(f.get()))));
    }
    return Optional.empty();
  }

  private static Batch planCheck(
      List<InstanceView> checkable, boolean anyQueued, PlanContext c, List<Step> steps) {
    Optional<Block> block = c.startBlock();
    Optional<String> notNow = Optional.empty();
    Reason why = Reason.NOT_CHECKED;
    if (block.isPresent()) {
      why = block.get().reason();
      notNow = Optional.of(block.get().detail());
    } else if (!c.slots().downloadRoom()) {
      why = Reason.NO_DOWNLOAD_SLOT;
      notNow = Optional.of("no download slot is free");
    } else if (anyQueued) {
      notNow = Optional.of("queued updates go first");
    }
    boolean clusterDue =
        c.observation().options().checkNow() || c.gates().cluster().nextCheck().isEmpty();
    List<InstanceView> due =
        notNow.isPresent()
            ? List.of()
            : checkable.stream()
                .filter(v -> clusterDue || PlanContext.failedCheck(v).isPresent())
                .toList();
    if (!due.isEmpty()) {
      // The gates that decide on facts hold checks as a closed window does: their findings could
      // not start anyway.
      switch (c.startGates(due.get(0), Optional.empty())) {
        case GateCheck.NeedsFacts n -> {
          for (InstanceView v : checkable) {
            steps.add(
                Step.of(
                    v,
                    new Verdict(
                        Outcome.NOT_CHECKED,
                        Optional.empty(),
                        "reading the rollout gates before the update check",
                        "checked if every gate allows it",
                        Optional.empty())));
          }
          return new Batch(n.needs(), steps);
        }
        case GateCheck.Held h -> {
          why = h.hold().reason();
          notNow = Optional.of(h.hold().detail());
          due = List.of();
        }
        case GateCheck.Clear ok -> {}
      }
    }
    for (InstanceView v : checkable) {
      if (due.contains(v)) {
        steps.add(Step.of(v, checking(v, true, c)));
        continue;
      }
      String detail =
          notNow.orElseGet(
              () ->
                  "checked less than CHECK_INTERVAL ("
                      + Durations.format(c.settings().checkInterval())
                      + ") ago; next check after "
                      + c.gates().cluster().nextCheck().orElseThrow());
      Optional<FailureRecord> failed = PlanContext.failedCheck(v);
      steps.add(
          Step.of(
              v,
              failed.isPresent()
                  ? Verdict.of(
                      Outcome.SKIPPED,
                      FailureReason.CHECK_FAILED,
                      failedChecks(failed.get()) + "; not checked again yet: " + detail,
                      "checked again by a later pass once this no longer holds it back")
                  : Verdict.of(Outcome.NOT_CHECKED, why, detail, "checked by a later pass")));
    }
    return new Batch(
        due.isEmpty()
            ? List.of()
            : List.of(new Decision.CheckForUpdates(due, clusterDue && due.equals(checkable))),
        steps);
  }

  /** The line of an instance whose update check is being sent or awaited. */
  private static Verdict checking(InstanceView v, boolean inThisCheck, PlanContext c) {
    Optional<FailureRecord> failed = PlanContext.failedCheck(v);
    if (!inThisCheck) {
      return failed.isPresent()
          ? Verdict.of(
              Outcome.SKIPPED,
              FailureReason.CHECK_FAILED,
              failedChecks(failed.get()),
              "checked again by a later pass")
          : Verdict.of(
              Outcome.NOT_CHECKED,
              Reason.NOT_CHECKED,
              "not part of this pass's check",
              "checked by a later pass");
    }
    return failed.isPresent()
        ? Verdict.of(
            Outcome.NOT_CHECKED,
            FailureReason.CHECK_FAILED,
            failedChecks(failed.get()) + "; checking again now",
            "waiting for the host's reply")
        : new Verdict(
            Outcome.NOT_CHECKED,
            Optional.empty(),
            "update check sent",
            "waiting for the host's reply",
            Optional.empty());
  }

  private static List<Step> checked(
      List<InstanceView> checkable, CheckRound.Done done, PlanContext c) {
    List<Step> steps = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    for (InstanceView v : checkable) {
      HostReply reply = done.replies().get(v.arn());
      switch (reply) {
        case null -> steps.add(Step.of(v, checking(v, false, c)));
        case HostReply.Pending p ->
            steps.add(
                checkFailed(
                    v,
                    "no reply within CHECK_TIMEOUT ("
                        + Durations.format(c.settings().checkTimeout())
                        + "); SSM status "
                        + p.status(),
                    c));
        case HostReply.Failed f -> steps.add(checkFailed(v, Describe.error(f.error()), c));
        case HostReply.Done d -> steps.add(checkFailed(v, "the check printed no status", c));
        case HostReply.Status st -> {
          UpdateStatus status = st.status();
          List<Decision> recovered =
              PlanContext.failedCheck(v).isPresent()
                  ? List.of(new Decision.ClearCheckFailure(v))
                  : List.of();
          if (!status.hasUpdate()) {
            steps.add(
                new Step(
                    v,
                    recovered,
                    Verdict.of(
                            Outcome.UP_TO_DATE,
                            Reason.NO_UPDATE,
                            "update state " + status.state(),
                            "checked again after CHECK_INTERVAL")
                        .with(status)));
          } else if (v.failure().filter(f -> f.reason().countsAgainstBudget()).isPresent()
              && v.failure().get().targetVersion().equals(status.targetVersion())) {
            steps.add(
                Step.of(
                    v,
                    Verdict.of(
                            Outcome.FAILED,
                            Reason.NEEDS_OPERATOR,
                            "the update to "
                                + status.targetVersion().orElse("?")
                                + " failed before: "
                                + v.failure().get().reason(),
                            "not retried until an operator deletes " + StateAttributes.FAILURE)
                        .with(status)));
          } else {
            candidates.add(new Candidate(v, status));
          }
        }
      }
    }
    candidates.sort(
        Comparator.comparingInt(
                (Candidate x) -> x.view().failure().map(FailureRecord::count).orElse(0))
            .thenComparingInt(x -> x.view().instance().runningTasks())
            .thenComparing(x -> x.view().arn()));
    for (Candidate x : candidates) {
      Step step = candidate(x.view(), x.status(), c);
      steps.add(
          PlanContext.failedCheck(x.view()).isPresent()
              ? step.after(List.of(new Decision.ClearCheckFailure(x.view())))
              : step);
    }
    return steps;
  }

  private static Step candidate(InstanceView v, UpdateStatus status, PlanContext c) {
    String target = status.targetVersion().orElseThrow();
    String from = status.activeVersion();
    if (!Download.attributeRoom(v)) {
      return Step.of(
          v,
          Verdict.of(
                  Outcome.SKIPPED,
                  Reason.ATTRIBUTE_LIMIT,
                  Download.attributeDetail(v),
                  "checked again by a later pass")
              .with(status));
    }
    Optional<Block> block = c.startBlock();
    if (block.isPresent()) {
      return Step.of(
          v,
          Verdict.of(
                  Outcome.WAITING,
                  block.get().reason(),
                  block.get().detail(),
                  "started once allowed")
              .with(status));
    }
    switch (c.startGates(v, Optional.of(target))) {
      case GateCheck.NeedsFacts n -> {
        return new Step(
            v,
            n.needs(),
            new Verdict(
                Outcome.WAITING,
                Optional.empty(),
                "reading the rollout gates",
                "started if every gate allows it",
                Optional.of(status)));
      }
      case GateCheck.Held h -> {
        // Not queued: the next check asks the host again what it is offered then.
        return Step.of(
            v,
            Verdict.of(
                    Outcome.WAITING,
                    h.hold().reason(),
                    h.hold().detail(),
                    h.hold().next("checked and started by a later pass"))
                .with(status));
      }
      case GateCheck.Clear ok -> {}
    }
    if (c.slots().downloadRoom()) {
      return Download.start(c, v, Optional.of(target), Optional.of(from), Optional.of(status));
    }
    return Step.of(
        v,
        new Decision.Queue(v, target, from),
        Verdict.of(
                Outcome.WAITING,
                Reason.NO_DOWNLOAD_SLOT,
                "update " + from + " -> " + target + " queued",
                "download starts when a slot frees")
            .with(status));
  }

  /**
   * A check with no usable answer: recorded on the instance (unless a failure that needs an
   * operator is already there, which stays), and checked again after CHECK_RETRY_INTERVAL.
   */
  private static Step checkFailed(InstanceView v, String detail, PlanContext c) {
    boolean keepOperatorFailure =
        v.failure().filter(f -> f.reason().countsAgainstBudget()).isPresent();
    String next =
        keepOperatorFailure
            ? "checked again by a later pass"
            : "checked again after " + c.checkAgainAfterNextFailure(v);
    Verdict verdict = Verdict.of(Outcome.SKIPPED, FailureReason.CHECK_FAILED, detail, next);
    return keepOperatorFailure
        ? Step.of(v, verdict)
        : Step.of(v, new Decision.RecordCheckFailure(v, detail), verdict);
  }

  private static String failedChecks(FailureRecord f) {
    return "the update check at "
        + f.at()
        + " gave no usable answer"
        + (f.count() > 1 ? " (" + f.count() + " checks in a row)" : "");
  }
}
