package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.FailureRecord;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.time.Duration;
import java.time.Instant;
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

  PlanContext(Observation o) {
    this.o = o;
    this.slots = Slots.of(o, o.settings().maxConcurrent());
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

  /** The latest status probe of {@code v} sent at or after {@code since}, in this pass. */
  Optional<ProbeResult> probeSince(InstanceView v, Instant since) {
    return Optional.ofNullable(o.probes().get(v.arn())).filter(p -> !p.sentAt().isBefore(since));
  }

  /** When an instance whose last failure is {@code f} may be tried again. */
  Instant retryAfter(FailureRecord f) {
    return f.retryAfter(o.settings().retryBackoff(), o.settings().retryBackoffMax());
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
