package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.CheckRound;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.FailureRecord;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.engine.plan.Lines;
import io.github.bottlerocket.ecsupdater.engine.plan.Planner;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where decisions touch AWS. Its ordering rules keep every crash point safe for the
 * next pass:
 *
 * <ul>
 *   <li>a drain is recorded on the instance before the instance is set DRAINING, so no instance is
 *       ever drained without the updater's record of why and since when;
 *   <li>a host command is sent before its phase is recorded, so a recorded phase always names a
 *       command that exists (a command sent but not recorded is found again by the next check);
 *   <li>the reboot is the exception: REBOOTING is recorded before the reboot is sent, because a
 *       host that rebooted without a record could not be told from one whose activation failed; a
 *       recorded reboot that never reached the host shows as a host still Ready on its old version,
 *       and is sent again;
 *   <li>on success the instance is set ACTIVE before the record is deleted; on failure the failure
 *       is recorded before anything is undone;
 *   <li>before a drain, what the updater found of the instance's scale-in protection is recorded (a
 *       mark on the drain's record) before the protection is set, and the protection is set before
 *       the instance is set DRAINING; it is cleared again before the instance is set ACTIVE and
 *       before the record that carries the mark is deleted or replaced, so a pass stopped at any
 *       point leaves the next pass the fact it needs to restore it ({@link ScaleInShield}). A host
 *       that does not come back keeps its record, and so its protection.
 *   <li>with a bake configured, an update's completion is recorded on the cluster before the
 *       instance is set ACTIVE, so a pass that stops in between still bakes before the next drain.
 * </ul>
 */
final class Executor {
  private static final Logger LOG = Logger.getLogger(Executor.class.getName());

  private final EcsPort ecs;
  private final SsmPort ssm;
  private final ScaleInShield shield;
  private final Settings s;
  private final PassOptions options;
  private final Observer observer;
  private final PassLog log;
  private final Supplier<Duration> timeLeft;
  private final String runId;
  private final Publisher publisher;
  private Observation lastObserved;

  Executor(
      EcsPort ecs,
      SsmPort ssm,
      ScaleInShield shield,
      Settings s,
      PassOptions options,
      Observer observer,
      PassLog log,
      Supplier<Duration> timeLeft,
      String runId) {
    this.ecs = ecs;
    this.ssm = ssm;
    this.shield = shield;
    this.s = s;
    this.options = options;
    this.observer = observer;
    this.log = log;
    this.timeLeft = timeLeft;
    this.runId = runId;
    this.publisher = new Publisher(ecs, s, options, observer.tags());
  }

  private String clusterArn() {
    return observer.cluster().arn();
  }

  private boolean outOfTime() {
    return timeLeft.get().compareTo(s.deadlineMargin()) <= 0;
  }

  /** Carries the plan out; returns whether anything in the cluster or on a host changed. */
  boolean execute(Planner.Plan plan, Observation o) {
    lastObserved = o;
    boolean changed = false;
    List<Decision.Change> batched = new ArrayList<>();
    for (Decision d : plan.decisions()) {
      if (outOfTime()) {
        // The rest waits for the next pass; so does recording the check whose findings
        // were not all acted on.
        observer.dropCheckToRecord();
        defer(plan.decisions().subList(plan.decisions().indexOf(d), plan.decisions().size()));
        break;
      }
      if (d instanceof Decision.ForInstance fi && log.refused(fi.instance().arn())) {
        // AWS refused a step on this instance in a way retrying cannot fix: not again this pass.
        continue;
      }
      if (options.dryRun() && d instanceof Decision.Change c) {
        log.wouldDo(c, o.now());
        continue;
      }
      if (batchable(d)) {
        // Records of idle and queued instances are written together below, ten to a call.
        batched.add((Decision.Change) d);
        continue;
      }
      try {
        if (d instanceof Decision.Change c) {
          // A check reply describes the host before this step; never plan from it again.
          observer.forgetCheck(c.instance().arn());
        }
        changed |= carryOut(d, o.now());
        if (d instanceof Decision.Release rl) {
          // The instance is idle again and no longer in this pass's check: its line from the
          // release says best why it was not updated.
          plan.reports().stream()
              .filter(line -> line.containerInstanceArn().equals(rl.instance().arn()))
              .findFirst()
              .ifPresent(log::finalLine);
        }
      } catch (AwsFault e) {
        if (!(d instanceof Decision.ForInstance fi)) {
          throw e;
        }
        observer.dropCheckToRecord();
        log.stepFailed(fi.instance().arn(), d.getClass().getSimpleName(), e);
        LOG.log(Level.FINE, "step failed", e);
      }
    }
    if (!batched.isEmpty() && !outOfTime()) {
      try {
        batched.forEach(q -> observer.forgetCheck(q.instance().arn()));
        changed |= writeBatch(batched, o.now());
        // The record of a failed check has no room for why it failed; this pass's line says it.
        for (Decision.Change q : batched) {
          if (q instanceof Decision.RecordCheckFailure) {
            plan.reports().stream()
                .filter(line -> line.containerInstanceArn().equals(q.instance().arn()))
                .findFirst()
                .ifPresent(log::finalLine);
          }
        }
      } catch (AwsFault e) {
        observer.dropCheckToRecord();
        for (Decision.Change q : batched) {
          log.stepFailed(q.instance().arn(), q.getClass().getSimpleName(), e);
        }
      }
    } else if (!batched.isEmpty()) {
      observer.dropCheckToRecord();
      defer(batched);
    }
    return changed;
  }

  /** Tells the log which instances' decisions the pass had no time left for. */
  private void defer(List<? extends Decision> left) {
    for (Decision d : left) {
      switch (d) {
        case Decision.CheckForUpdates c ->
            c.instances().forEach(v -> log.deferred(v.arn(), "its update check could be sent"));
        case Decision.Change ch ->
            log.deferred(ch.instance().arn(), "its next step (" + ch.kind() + ") could be taken");
        case Decision.ForInstance fi ->
            log.deferred(fi.instance().arn(), "the updater could look at it more closely");
        case Decision.InspectServices is -> {}
        case Decision.InspectGates ig -> {}
      }
    }
  }

  /** Changes that touch only the updater's attributes of an instance that is not drained. */
  private static boolean batchable(Decision d) {
    return d instanceof Decision.Queue
        || d instanceof Decision.RecordCheckFailure
        || d instanceof Decision.ClearCheckFailure;
  }

  /**
   * Records the check's time on the cluster once its findings were acted on (started or queued). A
   * pass that stops in between leaves the tag alone, so the next pass checks again instead of
   * waiting a whole CHECK_INTERVAL.
   */
  void recordCheck() {
    Optional<Instant> at = observer.checkToRecord();
    if (lastObserved != null) {
      publisher.observed(lastObserved, at, observer.checkCounts());
    }
    publisher.flush();
    observer.dropCheckToRecord();
  }

  /**
   * Writes queue records and failed-check records, ten attributes to a PutAttributes call, and
   * deletes the records of checks that answered again, ten to a DeleteAttributes call.
   */
  private boolean writeBatch(List<Decision.Change> changes, Instant now) {
    List<EcsPort.InstanceAttribute> writes = new ArrayList<>();
    List<EcsPort.InstanceAttribute> deletes = new ArrayList<>();
    List<Runnable> reports = new ArrayList<>();
    for (Decision.Change d : changes) {
      InstanceView v = d.instance();
      switch (d) {
        case Decision.Queue q -> {
          PhaseRecord r =
              new PhaseRecord(
                  Phase.QUEUED,
                  q.fromVersion(),
                  q.targetVersion(),
                  now,
                  Optional.empty(),
                  Optional.empty());
          writes.add(
              new EcsPort.InstanceAttribute(
                  v.arn(), StateAttributes.STATE, StateAttributes.encode(r)));
          reports.add(() -> emit(q, r, "update found; waiting for a download slot", now));
        }
        case Decision.RecordCheckFailure f -> {
          int count =
              v.failure()
                  .filter(x -> x.reason() == FailureReason.CHECK_FAILED)
                  .map(x -> x.count() + 1)
                  .orElse(1);
          FailureRecord record =
              new FailureRecord(
                  FailureReason.CHECK_FAILED, Optional.empty(), Optional.empty(), now, count);
          writes.add(
              new EcsPort.InstanceAttribute(
                  v.arn(), StateAttributes.FAILURE, StateAttributes.encode(record)));
          reports.add(() -> idleChange(f, now));
        }
        case Decision.ClearCheckFailure cl -> {
          deletes.add(new EcsPort.InstanceAttribute(v.arn(), StateAttributes.FAILURE, null));
          reports.add(() -> idleChange(cl, now));
        }
        default -> throw new IllegalArgumentException("not written in batches: " + d);
      }
    }
    if (!writes.isEmpty()) {
      ecs.putAttributes(clusterArn(), writes);
    }
    if (!deletes.isEmpty()) {
      ecs.deleteAttributes(clusterArn(), deletes);
    }
    changes.forEach(d -> observer.touched(d.instance().arn()));
    reports.forEach(Runnable::run);
    return true;
  }

  /** Reports a change that leaves an idle instance idle. */
  private void idleChange(Decision.Change d, Instant now) {
    log.transition(
        d, Optional.empty(), Optional.empty(), Optional.empty(), d.note(), Optional.empty(), now);
  }

  private boolean carryOut(Decision d, Instant now) {
    switch (d) {
      case Decision.CheckForUpdates c -> {
        if (timeLeft.get().compareTo(s.deadlineMargin().plus(s.checkTimeout())) <= 0) {
          // Not enough time to collect the replies; the next pass checks.
          defer(List.of(c));
          return false;
        }
        startRound(c.instances(), c.full(), now);
        return false;
      }
      case Decision.Probe p -> {
        String id = send(HostCommand.STATUS, p.instance());
        observer.probeSent(p.instance().arn(), id, now);
        return false;
      }
      case Decision.QueueVersionCheck q -> {
        String id = send(HostCommand.CHECK, q.instance());
        observer.versionCheckSent(q.instance().arn(), id, now);
        return false;
      }
      case Decision.Observe o -> {
        // Tasks, services, protection, groups and gates: the observer reads them next.
        return false;
      }
      case Decision.Change c -> change(c, now);
    }
    return true;
  }

  private void change(Decision.Change d, Instant now) {
    switch (d) {
      case Decision.Queue q -> writeBatch(List.of(q), now);
      case Decision.RecordCheckFailure f -> writeBatch(List.of(f), now);
      case Decision.ClearCheckFailure cl -> writeBatch(List.of(cl), now);
      case Decision.StartStaging st -> {
        String id = send(HostCommand.PREPARE, st.instance());
        PhaseRecord r =
            new PhaseRecord(
                Phase.STAGING,
                st.fromVersion(),
                st.targetVersion(),
                now,
                Optional.empty(),
                Optional.of(id));
        writeRecord(st.instance(), r);
        emit(st, r, "download requested", now);
      }
      case Decision.MarkStaged ms -> {
        PhaseRecord r =
            new PhaseRecord(
                Phase.STAGED,
                ms.fromVersion(),
                ms.targetVersion(),
                now,
                Optional.empty(),
                Optional.empty());
        writeRecord(ms.instance(), r);
        emit(ms, r, "update written to the inactive partition", now);
      }
      case Decision.StartDrain sd -> startDrain(sd, now);
      case Decision.RevertToStaged rv -> {
        PhaseRecord old = rv.instance().record().orElseThrow();
        String restored = shield.restore(rv.instance(), old);
        PhaseRecord r =
            new PhaseRecord(
                Phase.STAGED,
                old.fromVersion(),
                old.targetVersion(),
                now,
                Optional.empty(),
                Optional.empty());
        writeRecord(rv.instance(), r);
        emit(rv, r, rv.note() + restored, now);
      }
      case Decision.Activate a ->
          advance(a, HostCommand.ACTIVATE, "drained; activating the update", now);
      case Decision.Reboot rb -> reboot(rb, now);
      case Decision.Verify vf -> {
        observer.forgetDisconnect(vf.instance().arn());
        advance(
            vf,
            HostCommand.CHECK,
            vf.rebootSeen()
                ? "the host rebooted; reading the running version"
                : "agent connected, no sign of a reboot; reading the running version",
            now);
      }
      case Decision.Resend rs -> resend(rs, now);
      case Decision.Complete c -> complete(c, now);
      case Decision.Fail f -> fail(f, now);
      case Decision.Release rl -> {
        rl.instance().record().ifPresent(old -> shield.restore(rl.instance(), old));
        deleteAttributes(rl.instance(), List.of(StateAttributes.STATE));
        log.transition(
            rl,
            Optional.empty(),
            rl.fromVersion(),
            rl.targetVersion(),
            rl.note(),
            Optional.empty(),
            now);
      }
    }
    observer.touched(d.instance().arn());
    if (d.needsFullRefresh()) {
      observer.fullRefreshDue();
    }
  }

  private void startRound(List<InstanceView> checkable, boolean full, Instant now) {
    List<String> commandIds = new ArrayList<>();
    List<String> arns = new ArrayList<>();
    List<InstanceView> withIds =
        checkable.stream().filter(v -> !v.ec2InstanceId().isEmpty()).toList();
    for (int from = 0; from < withIds.size(); from += SsmPort.MAX_TARGETS) {
      List<InstanceView> batch =
          withIds.subList(from, Math.min(from + SsmPort.MAX_TARGETS, withIds.size()));
      commandIds.add(
          ssm.sendCommand(
              HostCommand.CHECK,
              batch.stream().map(InstanceView::ec2InstanceId).toList(),
              comment()));
      batch.forEach(v -> arns.add(v.arn()));
    }
    observer.roundStarted(
        commandIds.isEmpty()
            ? new CheckRound.Done(Map.of(), now)
            : new CheckRound.Running(commandIds, arns, now, full));
  }

  private void startDrain(Decision.StartDrain d, Instant now) {
    InstanceView v = d.instance();
    PhaseRecord old = v.record().orElseThrow();
    PhaseRecord r = old.next(Phase.DRAINING, now, Optional.empty());
    if (old.phase() == Phase.DRAINING) {
      // Re-applying a drain that was recorded but not applied: keep its start.
      r = old;
    }
    r = ScaleInShield.marked(r, d.shield());
    writeRecord(v, r);
    try {
      shield.protect(v, r, d.shield());
    } catch (AwsFault e) {
      if (e.kind().isTransient()) {
        // The record stays; the next observation applies the drain again.
        throw e;
      }
      // Refused, so not set: nothing to restore, unless an earlier attempt set it.
      PhaseRecord notSet =
          old.has(PhaseRecord.Mark.SCALE_IN_SHIELD_SET)
              ? r
              : r.without(PhaseRecord.Mark.SCALE_IN_SHIELD_SET);
      fail(
          new Decision.Fail(
              v.withRecord(Optional.of(notSet)),
              FailureReason.SCALE_IN_SHIELD_FAILED,
              e.getMessage(),
              Decision.Undo.NOTHING),
          now);
      return;
    }
    // One instance per call, so any refusal is this instance's (ECS may name it by a short ARN).
    Map<String, String> refused =
        ecs.updateInstancesState(clusterArn(), List.of(v.arn()), InstanceStatus.DRAINING);
    if (!refused.isEmpty()) {
      fail(
          new Decision.Fail(
              v.withRecord(Optional.of(r)),
              FailureReason.DRAIN_REFUSED,
              "ECS answered " + String.join(", ", refused.values()),
              Decision.Undo.NOTHING),
          now);
      return;
    }
    emit(d, r, "instance set DRAINING" + (d.note().isEmpty() ? "" : "; " + d.note()), now);
  }

  private void advance(Decision.Change d, HostCommand command, String detail, Instant now) {
    InstanceView v = d.instance();
    // A check sent while the host was down is the verification's command: a host command is
    // still sent before its phase is recorded.
    String id =
        d instanceof Decision.Verify vf && vf.checkSent().isPresent()
            ? vf.checkSent().get()
            : send(command, v);
    PhaseRecord r = v.record().orElseThrow().next(d.to().orElseThrow(), now, Optional.of(id));
    if (d instanceof Decision.Verify vf && vf.rebootSeen()) {
      r = r.with(PhaseRecord.Mark.REBOOT_SEEN);
    }
    writeRecord(v, r);
    emit(d, r, detail, now);
  }

  private void reboot(Decision.Reboot d, Instant now) {
    InstanceView v = d.instance();
    PhaseRecord r = v.record().orElseThrow().next(Phase.REBOOTING, now, Optional.empty());
    writeRecord(v, r);
    emit(d, r, "update Ready; reboot recorded and sent", now);
    send(HostCommand.REBOOT, v);
  }

  private void resend(Decision.Resend d, Instant now) {
    InstanceView v = d.instance();
    PhaseRecord old = v.record().orElseThrow();
    HostCommand command =
        old.phase()
            .sentCommand()
            .orElseThrow(() -> new IllegalStateException("nothing to resend in " + old.phase()));
    String id = send(command, v);
    // A phase that awaits no reply keeps no command id; the mark says the command went again.
    PhaseRecord r =
        old.phase().awaitedCommand().isPresent()
            ? old.resent(id)
            : old.with(PhaseRecord.Mark.REBOOT_RESENT);
    writeRecord(v, r);
    observer.forgetProbe(v.arn());
    emit(d, r, command.name() + " sent again", now);
  }

  private void complete(Decision.Complete c, Instant now) {
    InstanceView v = c.instance();
    PhaseRecord old = v.record().orElseThrow();
    String restored = shield.restore(v, old);
    publisher.completing(v, c.runningVersion(), now);
    Map<String, String> refused =
        ecs.updateInstancesState(clusterArn(), List.of(v.arn()), InstanceStatus.ACTIVE);
    // An instance deregistered meanwhile (INACTIVE) is done; anything else is retried next pass.
    if (refused.values().stream().anyMatch(reason -> !reason.contains("INACTIVE"))) {
      throw new AwsFault(
          AwsFault.Kind.INVALID_REQUEST,
          "ecs:UpdateContainerInstancesState",
          "could not set " + v.arn() + " ACTIVE: " + String.join(", ", refused.values()),
          null);
    }
    List<String> delete = new ArrayList<>(List.of(StateAttributes.STATE));
    if (v.failure().filter(f -> !f.reason().countsAgainstBudget()).isPresent()) {
      delete.add(StateAttributes.FAILURE);
    }
    deleteAttributes(v, delete);
    publisher.completed(old, c.runningVersion(), now, lastObserved.bottlerocketInstances());
    Optional<Duration> out = old.outOfServiceSince().map(t -> Duration.between(t, now));
    log.transition(
        c, Optional.empty(), old.fromVersion(), old.targetVersion(), c.note() + restored, out, now);
    log.finalLine(Lines.updated(v, old, c.runningVersion(), out));
  }

  private void fail(Decision.Fail f, Instant now) {
    InstanceView v = f.instance();
    PhaseRecord old = v.record().orElseThrow();
    int count = v.failure().map(x -> x.count() + 1).orElse(1);
    FailureRecord record =
        new FailureRecord(f.reason(), Optional.of(old.phase()), old.targetVersion(), now, count);
    putAttribute(v, StateAttributes.FAILURE, StateAttributes.encode(record));
    if (f.cancelActivation()) {
      try {
        send(HostCommand.CANCEL, v);
      } catch (AwsFault e) {
        // The instance is still recorded as failed; an unplanned reboot would boot the new
        // version, which is what the update wanted anyway.
        log.stepFailed(v.arn(), "Cancel", e);
      }
    }
    String restored = f.keepRecord() ? "" : shield.restore(v, old);
    boolean drainedByUs = old.phase().isOutOfService();
    if (f.reactivate() && drainedByUs && v.instance().status() == InstanceStatus.DRAINING) {
      ecs.updateInstancesState(clusterArn(), List.of(v.arn()), InstanceStatus.ACTIVE);
    }
    if (!f.keepRecord()) {
      deleteAttributes(v, List.of(StateAttributes.STATE));
    }
    Optional<Duration> out =
        f.reactivate()
            ? old.outOfServiceSince().map(t -> Duration.between(t, now))
            : Optional.empty();
    log.transition(
        f, f.to(), old.fromVersion(), old.targetVersion(), f.note() + restored, out, now);
    log.finalLine(Lines.failed(f, record.retryAfter(s.retryBackoff(), s.retryBackoffMax())));
  }

  /** Reports a change that leaves the instance in the phase of {@code to}. */
  private void emit(Decision.Change d, PhaseRecord to, String detail, Instant now) {
    log.transition(
        d,
        Optional.of(to.phase()),
        to.fromVersion(),
        to.targetVersion(),
        detail,
        Optional.empty(),
        now);
  }

  private String send(HostCommand command, InstanceView v) {
    if (v.ec2InstanceId().isEmpty()) {
      throw new AwsFault(
          AwsFault.Kind.INVALID_REQUEST,
          "ssm:SendCommand",
          "container instance " + v.arn() + " has no EC2 instance id",
          null);
    }
    return ssm.sendCommand(command, List.of(v.ec2InstanceId()), comment());
  }

  private String comment() {
    String c = "bottlerocket-ecs-updater " + observer.cluster().name() + " " + runId;
    return c.length() <= 100 ? c : c.substring(0, 100);
  }

  private void writeRecord(InstanceView v, PhaseRecord r) {
    putAttribute(v, StateAttributes.STATE, StateAttributes.encode(r));
  }

  private void putAttribute(InstanceView v, String name, String value) {
    ecs.putAttributes(clusterArn(), List.of(new EcsPort.InstanceAttribute(v.arn(), name, value)));
  }

  private void deleteAttributes(InstanceView v, List<String> names) {
    ecs.deleteAttributes(
        clusterArn(),
        names.stream().map(n -> new EcsPort.InstanceAttribute(v.arn(), n, null)).toList());
  }
}
