package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.FailureRecord;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.GateCheck;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.Hold;
import io.github.bottlerocket.ecsupdater.engine.plan.gate.RolloutGates;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every rule reads while one plan is made: the observation, the gates, and the slots. The
 * slots are the one thing that changes while the plan is made, and only through their own methods.
 */
final class PlanContext {
  private final Observation o;
  private final Gates gates;
  private final Slots slots;
  private final Set<String> daemonServices;
  private GateCheck clusterGates;

  /** What the rollout gates held back in this plan, for the report. */
  private final List<Held> held = new ArrayList<>();

  /** An instance a rollout gate held back. */
  record Held(InstanceView instance, Hold hold) {}

  PlanContext(Observation o) {
    this.o = o;
    this.slots = Slots.of(o, o.maxConcurrent());
    this.gates = Gates.of(o, slots);
    this.daemonServices =
        o.services().orElse(List.of()).stream()
            .filter(ServiceInfo::daemon)
            .map(ServiceInfo::name)
            .collect(Collectors.toUnmodifiableSet());
  }

  Observation observation() {
    return o;
  }

  Settings settings() {
    return o.settings();
  }

  Instant now() {
    return o.now();
  }

  Gates gates() {
    return gates;
  }

  Slots slots() {
    return slots;
  }

  /** The first gate that blocks new starts, if any. */
  Optional<Block> startBlock() {
    return gates.startBlock();
  }

  /**
   * The rollout gates that decide on read facts, for a start on {@code v}: the cluster-wide ones
   * (change calendars, alarms), then, when the version it would take is known, the version gates.
   * The static gates ({@link #startBlock()}) are asked first, by the caller. A gate that holds
   * {@code v} is kept for the report's summary.
   */
  GateCheck startGates(InstanceView v, Optional<String> target) {
    if (clusterGates == null) {
      clusterGates = RolloutGates.clusterWide(o);
    }
    GateCheck check = clusterGates;
    if (check instanceof GateCheck.Clear && target.isPresent()) {
      check = RolloutGates.version(o, v, target.get());
    }
    return noted(v, check);
  }

  /** The bake after the last update, before a drain of {@code v}. */
  GateCheck bake(InstanceView v, String target) {
    // Drains toward the same version this plan already lets go ahead count as under way.
    Set<String> granted = slots.granted();
    int startedHere =
        (int)
            o.instances().stream()
                .filter(x -> !x.arn().equals(v.arn()) && granted.contains(x.arn()))
                .filter(
                    x ->
                        x.record()
                            .flatMap(
                                io.github.bottlerocket.ecsupdater.engine.PhaseRecord::targetVersion)
                            .filter(target::equals)
                            .isPresent())
                .count();
    return noted(v, RolloutGates.bake(o, v, target, startedHere));
  }

  private GateCheck noted(InstanceView v, GateCheck check) {
    if (check instanceof GateCheck.Held h) {
      held.add(new Held(v, h.hold()));
    }
    return check;
  }

  /** What the rollout gates held back in this plan. */
  List<Held> held() {
    return List.copyOf(held);
  }

  /** The services whose tasks stay on an instance until the end of its drain. */
  Set<String> daemonServices() {
    return daemonServices;
  }

  /** The tasks read for {@code v} in this observation, if they were. */
  Optional<List<TaskInfo>> tasks(InstanceView v) {
    return Optional.ofNullable(o.tasks().get(v.arn()));
  }

  Duration elapsed(PhaseRecord r) {
    return Duration.between(r.since(), o.now());
  }

  /**
   * When the phase of {@code r} reaches its time limit, if it has one. A phase fails for its time
   * limit only on evidence: a look taken after this instant that still shows the step unfinished.
   */
  Optional<Instant> limitAt(PhaseRecord r) {
    return r.phase().limit(o.settings()).map(r.since()::plus);
  }

  /** Whether this observation is taken after the phase's time limit. */
  boolean pastLimit(PhaseRecord r) {
    return limitAt(r).filter(o.now()::isAfter).isPresent();
  }

  /**
   * The probe that can tell whether the phase of {@code r} is done: one sent in this pass after the
   * phase began, and, once the phase is past its limit, after the limit, so that a reply read
   * before the limit never fails the instance.
   */
  Optional<ProbeResult> probeFor(InstanceView v, PhaseRecord r) {
    Instant since = pastLimit(r) ? limitAt(r).orElseThrow() : r.since();
    return probeSince(v, since);
  }

  /** The latest status probe of {@code v} sent at or after {@code since}, in this pass. */
  Optional<ProbeResult> probeSince(InstanceView v, Instant since) {
    return Optional.ofNullable(o.probes().get(v.arn())).filter(p -> !p.sentAt().isBefore(since));
  }

  /** When an instance whose last failure is {@code f} may be tried again. */
  Instant retryAfter(FailureRecord f) {
    return f.retryAfter(o.settings().retryBackoff(), o.settings().retryBackoffMax());
  }

  /** When an instance whose last update check failed as {@code f} is checked again. */
  Instant checkAgainAt(FailureRecord f) {
    return f.at()
        .plus(
            FailureRecord.backoff(
                f.count(), o.settings().checkRetryInterval(), o.settings().checkInterval()));
  }

  /** When {@code v} is checked again if its check fails now. */
  Instant checkAgainAfterNextFailure(InstanceView v) {
    int count =
        v.failure()
            .filter(f -> f.reason() == FailureReason.CHECK_FAILED)
            .map(f -> f.count() + 1)
            .orElse(1);
    return o.now()
        .plus(
            FailureRecord.backoff(
                count, o.settings().checkRetryInterval(), o.settings().checkInterval()));
  }

  /** The failed update check {@code v} carries, if its last failure is one. */
  static Optional<FailureRecord> failedCheck(InstanceView v) {
    return v.failure().filter(f -> f.reason() == FailureReason.CHECK_FAILED);
  }

  /** When {@code v} would be tried again if it failed now. */
  Instant retryAfterNextFailure(InstanceView v) {
    int count = v.failure().map(f -> f.count() + 1).orElse(1);
    return o.now()
        .plus(
            FailureRecord.backoff(
                count, o.settings().retryBackoff(), o.settings().retryBackoffMax()));
  }
}
