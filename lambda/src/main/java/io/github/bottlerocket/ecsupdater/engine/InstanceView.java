package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
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

  /** Reads the updater's attributes of {@code instance}. */
  public static InstanceView of(ContainerInstance instance) {
    List<String> problems = new ArrayList<>();
    Optional<PhaseRecord> record = Optional.empty();
    Optional<FailureRecord> failure = Optional.empty();
    String state = instance.attributes().get(StateAttributes.STATE);
    if (state != null) {
      try {
        record = Optional.of(StateAttributes.decodePhase(state));
      } catch (IllegalArgumentException e) {
        problems.add(StateAttributes.STATE + ": " + e.getMessage());
      }
    }
    String fail = instance.attributes().get(StateAttributes.FAILURE);
    if (fail != null) {
      try {
        failure = Optional.of(StateAttributes.decodeFailure(fail));
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
