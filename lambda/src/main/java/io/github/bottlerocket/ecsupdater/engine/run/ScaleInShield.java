package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import java.util.List;
import java.util.Optional;

/**
 * The scale-in shield ({@code SCALE_IN_SHIELD}): an instance of an Auto Scaling group that is not
 * protected from scale-in is protected while it is out of service, and its protection is cleared
 * again when it is set ACTIVE. The {@link Executor} calls it in its crash-safe order: what the
 * updater found is recorded on the instance ({@link PhaseRecord.Mark#SCALE_IN_SHIELD_SET} or {@link
 * PhaseRecord.Mark#SCALE_IN_PROTECTED_BEFORE}) before the protection is set; the protection is
 * restored before the instance is set ACTIVE and before the record that says so is deleted.
 *
 * <p>An instance found protected already is left alone, at the start and at the end: with ECS
 * managed termination protection the flag is ECS's, which turns it off on an instance without tasks
 * other than daemon tasks when it wants to scale in, and the updater does not fight it.
 */
final class ScaleInShield {
  private final AutoScalingPort autoScaling;
  private final PassLog log;

  ScaleInShield(AutoScalingPort autoScaling, PassLog log) {
    this.autoScaling = autoScaling;
    this.log = log;
  }

  /**
   * The drain's record with the mark of what the updater found. A drain that was recorded before
   * and is applied again keeps the marks it has, which describe the instance before the first
   * attempt (the updater's own protection may be on by now).
   */
  static PhaseRecord marked(PhaseRecord r, Optional<Decision.ScaleInShield> shield) {
    if (r.has(PhaseRecord.Mark.SCALE_IN_SHIELD_SET)
        || r.has(PhaseRecord.Mark.SCALE_IN_PROTECTED_BEFORE)
        || shield.isEmpty()) {
      return r;
    }
    return r.with(
        shield.get().alreadyProtected()
            ? PhaseRecord.Mark.SCALE_IN_PROTECTED_BEFORE
            : PhaseRecord.Mark.SCALE_IN_SHIELD_SET);
  }

  /**
   * Protects the instance from scale-in when its record, already written, says the updater does.
   *
   * @throws AwsFault when Auto Scaling refuses or fails; nothing was drained yet
   */
  void protect(InstanceView v, PhaseRecord written, Optional<Decision.ScaleInShield> shield) {
    if (!written.has(PhaseRecord.Mark.SCALE_IN_SHIELD_SET) || v.ec2InstanceId().isEmpty()) {
      return;
    }
    Optional<String> group =
        shield
            .map(Decision.ScaleInShield::group)
            .or(() -> member(v).map(AutoScalingInstance::groupName));
    if (group.isPresent()) {
      autoScaling.setProtection(group.get(), List.of(v.ec2InstanceId()), true);
    }
  }

  /**
   * Clears the protection the updater set, if {@code old} (the record about to go) says it did.
   * Called before the instance is set ACTIVE and before the record is deleted. A transient fault is
   * thrown, so that the step is tried again with the record still there; a refusal is reported and
   * leaves the instance protected, the safe side, rather than stopping its update from ending.
   *
   * @return what was done, for the transition's detail; empty when there was nothing to do
   */
  String restore(InstanceView v, PhaseRecord old) {
    if (!old.has(PhaseRecord.Mark.SCALE_IN_SHIELD_SET) || v.ec2InstanceId().isEmpty()) {
      return "";
    }
    try {
      Optional<AutoScalingInstance> now = member(v);
      if (now.isEmpty()) {
        return "; no longer in an Auto Scaling group, so no scale-in protection to clear";
      }
      if (!now.get().protectedFromScaleIn()) {
        return "; scale-in protection already off in Auto Scaling group " + now.get().groupName();
      }
      autoScaling.setProtection(now.get().groupName(), List.of(v.ec2InstanceId()), false);
      return "; scale-in protection cleared again in Auto Scaling group " + now.get().groupName();
    } catch (AwsFault e) {
      if (e.kind().isTransient()) {
        throw e;
      }
      log.stepFailed(v.arn(), "RestoreScaleInProtection", e);
      return "; its scale-in protection could not be cleared and stays on: clear it with aws"
          + " autoscaling set-instance-protection --no-protected-from-scale-in";
    }
  }

  private Optional<AutoScalingInstance> member(InstanceView v) {
    return autoScaling.describeInstances(List.of(v.ec2InstanceId())).stream()
        .filter(i -> i.instanceId().equals(v.ec2InstanceId()))
        .findFirst();
  }
}
