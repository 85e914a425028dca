package io.github.bottlerocket.ecsupdater.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rollout gates at one observation, for the report: the limit in force, what each configured
 * gate says, and which gate holds which instances until when.
 *
 * @param maxConcurrent MAX_CONCURRENT as configured ({@code 3}, or {@code 25%} of the cluster's
 *     Bottlerocket instances)
 * @param bottlerocketInstances the cluster's Bottlerocket instances, which a share is taken of
 * @param gates one line per configured rollout gate
 * @param holds what holds instances back, grouped by reason and detail
 * @param problems configuration problems the gates found (a missing alarm, an unreadable calendar),
 *     each naming its setting
 */
public record RolloutStatus(
    String maxConcurrent,
    int bottlerocketInstances,
    List<GateState> gates,
    List<HeldGroup> holds,
    List<String> problems) {

  public static final RolloutStatus NONE =
      new RolloutStatus("1", 0, List.of(), List.of(), List.of());

  public RolloutStatus {
    Objects.requireNonNull(maxConcurrent, "maxConcurrent");
    gates = List.copyOf(gates);
    holds = List.copyOf(holds);
    problems = List.copyOf(problems);
  }

  /**
   * What one gate says.
   *
   * @param gate the setting that configures it, e.g. {@code CHANGE_CALENDARS}
   * @param holding whether it holds new work back now
   * @param detail its state in words
   * @param until when it stops holding, if known
   */
  public record GateState(String gate, boolean holding, String detail, Optional<Instant> until) {
    public GateState {
      Objects.requireNonNull(gate, "gate");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(until, "until");
    }
  }

  /**
   * Instances one gate holds back, for one reason.
   *
   * @param reason why
   * @param detail the gate's words
   * @param until when it lets them through, if known
   * @param instances their EC2 instance ids (or container instance ARNs)
   */
  public record HeldGroup(
      Cause reason, String detail, Optional<Instant> until, List<String> instances) {
    public HeldGroup {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(until, "until");
      instances = List.copyOf(instances);
    }
  }
}
