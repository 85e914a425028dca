package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A container instance together with the updater's records read from its attributes.
 *
 * @param instance the container instance as ECS describes it
 * @param record the update in progress, if any
 * @param failure the last failure, if any
 * @param optedOut whether the operator opted the instance out
 * @param unreadable why the updater's attributes could not be read, if they could not
 */
public record InstanceView(
    ContainerInstance instance,
    Optional<PhaseRecord> record,
    Optional<FailureRecord> failure,
    boolean optedOut,
    Optional<String> unreadable) {

  public InstanceView {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(unreadable, "unreadable");
  }

  /**
   * Reads the updater's attributes of {@code instance} as observed at {@code now}. A record whose
   * time lies in the future (beyond {@link StateAttributes#CLOCK_SKEW}) is not believed: it would
   * hold its slot and never time out.
   */
  public static InstanceView of(ContainerInstance instance, Instant now) {
    List<String> problems = new ArrayList<>();
    Optional<PhaseRecord> record = Optional.empty();
    Optional<FailureRecord> failure = Optional.empty();
    String state = instance.attributes().get(StateAttributes.STATE);
    if (state != null) {
      try {
        PhaseRecord r = StateAttributes.decodePhase(state);
        future(r.since(), now, "phase start");
        r.outOfServiceSince().ifPresent(t -> future(t, now, "out-of-service start"));
        record = Optional.of(r);
      } catch (IllegalArgumentException e) {
        problems.add(StateAttributes.STATE + ": " + e.getMessage());
      }
    }
    String fail = instance.attributes().get(StateAttributes.FAILURE);
    if (fail != null) {
      try {
        FailureRecord f = StateAttributes.decodeFailure(fail);
        future(f.at(), now, "failure time");
        failure = Optional.of(f);
      } catch (IllegalArgumentException e) {
        problems.add(StateAttributes.FAILURE + ": " + e.getMessage());
      }
    }
    boolean optedOut = StateAttributes.isOptOut(instance.attributes().get(StateAttributes.OPT_OUT));
    return new InstanceView(
        instance,
        record,
        failure,
        optedOut,
        problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
  }

  private static void future(Instant t, Instant now, String what) {
    if (t.isAfter(now.plus(StateAttributes.CLOCK_SKEW))) {
      throw new IllegalArgumentException(
          "the "
              + what
              + " "
              + t
              + " lies in the future (now is "
              + now
              + "); delete the attribute if no update is under way");
    }
  }

  public String arn() {
    return instance.arn();
  }

  public String ec2InstanceId() {
    return instance.ec2InstanceId();
  }

  /** The phase of the update in progress, if any. */
  public Optional<Phase> phase() {
    return record.map(PhaseRecord::phase);
  }

  /** A copy with another phase record, as after a step was carried out. */
  public InstanceView withRecord(Optional<PhaseRecord> newRecord) {
    return new InstanceView(instance, newRecord, failure, optedOut, unreadable);
  }
}
