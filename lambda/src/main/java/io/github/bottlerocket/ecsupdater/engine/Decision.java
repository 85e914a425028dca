package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.util.List;
import java.util.Optional;

/**
 * One thing the planner wants done. The planner only decides; the pass's executor is the one place
 * that carries decisions out, in the order and with the safeguards written there. A decision either
 * observes ({@link Observe}: reads ECS or runs a read-only host command, which a dry run does too)
 * or changes an instance's update ({@link Change}: it says which transition it makes and to which
 * phase, and a dry run reports exactly that instead of doing it).
 */
public sealed interface Decision {

  /** Whether carrying this out changes anything in the cluster or on a host. */
  default boolean changesState() {
    return this instanceof Change;
  }

  /** A decision about one instance. */
  sealed interface ForInstance extends Decision {
    InstanceView instance();
  }

  /**
   * A decision that only gathers facts: it reads from ECS or runs a read-only host command, and a
   * dry run carries it out.
   */
  sealed interface Observe extends Decision {}

  /** A change to one instance's update: the transition it makes and where it leaves the update. */
  sealed interface Change extends ForInstance {

    /** The transition carrying this out makes. */
    Transition.Kind kind();

    /** The phase the instance is in afterwards; empty for idle. */
    Optional<Phase> to();

    /** The skip or failure reason this change records, if any. */
    default Optional<Cause> cause() {
      return Optional.empty();
    }

    /** Specifics for the report, beyond what the transition's kind says. */
    default String note() {
      return "";
    }

    /** The version the host ran when the update began, as far as known. */
    default Optional<String> fromVersion() {
      return instance().record().flatMap(PhaseRecord::fromVersion);
    }

    /** The version the update moves to, as far as known. */
    default Optional<String> targetVersion() {
      return instance().record().flatMap(PhaseRecord::targetVersion);
    }

    /**
     * Whether the next observation must list the whole cluster: a freed slot or a newly staged
     * instance may start a drain next, and that decision needs every instance's free room.
     */
    default boolean needsFullRefresh() {
      return switch (kind()) {
        case STAGED, DRAIN_REVERTED, UPDATED, FAILED, RELEASED -> true;
        case CHECK_FAILED,
            CHECK_RECOVERED,
            QUEUED,
            STAGING_STARTED,
            DRAIN_STARTED,
            ACTIVATION_STARTED,
            REBOOT_SENT,
            VERIFICATION_STARTED,
            COMMAND_RESENT ->
            false;
      };
    }
  }

  /**
   * Send update checks to these idle instances and collect the replies.
   *
   * @param instances the instances to check
   * @param full whether this is the cluster's check of all its idle instances, whose time is
   *     recorded, rather than a check again of those whose last check failed
   */
  record CheckForUpdates(List<InstanceView> instances, boolean full) implements Observe {
    public CheckForUpdates {
      instances = List.copyOf(instances);
    }
  }

  /** Read the tasks on an instance before deciding. */
  record InspectTasks(InstanceView instance) implements ForInstance, Observe {}

  /**
   * Read the scale-in protection of these service tasks of the instance before its drain.
   *
   * @param taskArns the tasks a drain would stop, as read for this observation
   */
  record InspectTaskProtection(InstanceView instance, List<String> taskArns)
      implements ForInstance, Observe {
    public InspectTaskProtection {
      taskArns = List.copyOf(taskArns);
    }
  }

  /** Read the Auto Scaling group and scale-in protection of the instance before its drain. */
  record InspectAutoScaling(InstanceView instance) implements ForInstance, Observe {}

  /**
   * What a drain does about the instance's scale-in protection in its Auto Scaling group.
   *
   * @param group the instance's group
   * @param alreadyProtected whether it is protected already, so that the updater leaves it alone
   */
  record ScaleInShield(String group, boolean alreadyProtected) {}

  /** Read the cluster's services before deciding. */
  record InspectServices() implements Observe {}

  /**
   * Read what the rollout gates decide on before deciding: the alarms, change calendars and the
   * PROMOTE_FROM cluster (once per observation), and when these releases were published (once per
   * pass).
   *
   * @param releases release keys ({@link GateFacts#releaseKey}) whose dates are needed
   */
  record InspectGates(java.util.Set<String> releases) implements Observe {
    public InspectGates {
      releases = java.util.Set.copyOf(releases);
    }
  }

  /** Ask the host for its update status ({@link HostCommand#STATUS}) without changing it. */
  record Probe(InstanceView instance) implements ForInstance, Observe {}

  /**
   * Send the update check ({@link HostCommand#CHECK}) that will read the running version to a host
   * that is down for its reboot. SSM holds it until the host's agent runs again, so the version is
   * known by the time the ECS agent reconnects; {@link Verify} then records it instead of sending
   * another. Read-only, like every check.
   */
  record QueueVersionCheck(InstanceView instance) implements ForInstance, Observe {}

  /**
   * Send the command of the instance's current phase again (its answer was "locked" or it could not
   * be read), keeping the phase's start time so that the phase timeout still applies.
   */
  record Resend(InstanceView instance) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.COMMAND_RESENT;
    }

    @Override
    public Optional<Phase> to() {
      return instance.phase();
    }
  }

  /** Record that an update waits for a download slot. */
  record Queue(InstanceView instance, String target, String from) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.QUEUED;
    }

    @Override
    public Optional<String> fromVersion() {
      return Optional.of(from);
    }

    @Override
    public Optional<String> targetVersion() {
      return Optional.of(target);
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.QUEUED);
    }
  }

  /** Start the download: send {@link HostCommand#PREPARE} and record {@link Phase#STAGING}. */
  record StartStaging(InstanceView instance, Optional<String> target, Optional<String> from)
      implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.STAGING_STARTED;
    }

    @Override
    public Optional<String> fromVersion() {
      return from;
    }

    @Override
    public Optional<String> targetVersion() {
      return target;
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.STAGING);
    }
  }

  /** Record {@link Phase#STAGED} with the version now on the inactive partition. */
  record MarkStaged(InstanceView instance, String target, Optional<String> from) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.STAGED;
    }

    /** The version the host runs, as the staging reply says, or as recorded before. */
    @Override
    public Optional<String> fromVersion() {
      return from.or(() -> instance.record().flatMap(PhaseRecord::fromVersion));
    }

    @Override
    public Optional<String> targetVersion() {
      return Optional.of(target);
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.STAGED);
    }
  }

  /**
   * Record {@link Phase#DRAINING}, protect the instance from scale-in if {@code shield} says so,
   * then set the instance DRAINING (in that order).
   *
   * @param shield what the drain does about the instance's Auto Scaling group, if it is in one and
   *     SCALE_IN_SHIELD is on
   */
  record StartDrain(InstanceView instance, Optional<ScaleInShield> shield) implements Change {
    public StartDrain(InstanceView instance) {
      this(instance, Optional.empty());
    }

    @Override
    public Transition.Kind kind() {
      return Transition.Kind.DRAIN_STARTED;
    }

    /** What happens to the scale-in protection, for the report and the dry run. */
    @Override
    public String note() {
      return shield
          .map(
              s ->
                  s.alreadyProtected()
                      ? "already protected from scale-in in Auto Scaling group "
                          + s.group()
                          + "; left as it is"
                      : "protected from scale-in in Auto Scaling group "
                          + s.group()
                          + " first, until it is ACTIVE again")
          .orElse("");
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.DRAINING);
    }
  }

  /** The drain was recorded but not applied and may not start now: back to {@link Phase#STAGED}. */
  record RevertToStaged(InstanceView instance, Reason reason) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.DRAIN_REVERTED;
    }

    @Override
    public Optional<Cause> cause() {
      return Optional.of(reason);
    }

    @Override
    public String note() {
      return reason.explanation();
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.STAGED);
    }
  }

  /** Send {@link HostCommand#ACTIVATE} and record {@link Phase#ACTIVATING}. */
  record Activate(InstanceView instance) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.ACTIVATION_STARTED;
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.ACTIVATING);
    }
  }

  /** Record {@link Phase#REBOOTING}, then send the guarded {@link HostCommand#REBOOT}. */
  record Reboot(InstanceView instance) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.REBOOT_SENT;
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.REBOOTING);
    }
  }

  /**
   * Send {@link HostCommand#CHECK} and record {@link Phase#VERIFYING}.
   *
   * @param rebootSeen whether the host was seen to reboot (kept as {@link
   *     PhaseRecord.Mark#REBOOT_SEEN}); only then is a host back on its old version a rollback
   * @param checkSent the update check already sent while the host was down ({@link
   *     QueueVersionCheck}), recorded instead of sending another
   */
  record Verify(InstanceView instance, boolean rebootSeen, Optional<String> checkSent)
      implements Change {
    public Verify(InstanceView instance, boolean rebootSeen) {
      this(instance, rebootSeen, Optional.empty());
    }

    @Override
    public Transition.Kind kind() {
      return Transition.Kind.VERIFICATION_STARTED;
    }

    @Override
    public Optional<Phase> to() {
      return Optional.of(Phase.VERIFYING);
    }
  }

  /** The host runs the target: set the instance ACTIVE, then delete the updater's record. */
  record Complete(InstanceView instance, String runningVersion) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.UPDATED;
    }

    @Override
    public String note() {
      return "running " + runningVersion;
    }

    @Override
    public Optional<Phase> to() {
      return Optional.empty();
    }
  }

  /** Record a failure, then undo what {@code undo} says. */
  record Fail(InstanceView instance, FailureReason reason, String detail, Undo undo)
      implements Change {

    @Override
    public Transition.Kind kind() {
      return Transition.Kind.FAILED;
    }

    @Override
    public Optional<Cause> cause() {
      return Optional.of(reason);
    }

    @Override
    public String note() {
      return detail;
    }

    /** The phase stays only when the instance is left where it is. */
    @Override
    public Optional<Phase> to() {
      return keepRecord() ? instance.phase() : Optional.empty();
    }

    /** Whether a Ready update goes back to Staged ({@link HostCommand#CANCEL}). */
    public boolean cancelActivation() {
      return undo == Undo.CANCEL_AND_REACTIVATE;
    }

    /** Whether the instance is set ACTIVE again (only ever one the updater drained). */
    public boolean reactivate() {
      return undo == Undo.REACTIVATE || undo == Undo.CANCEL_AND_REACTIVATE;
    }

    /** Whether the phase record stays, with the instance where it is. */
    public boolean keepRecord() {
      return undo == Undo.LEAVE_DRAINING;
    }
  }

  /** What a failure undoes. */
  enum Undo {
    /** Nothing was drained: only the record goes. */
    NOTHING,
    /** The instance is set ACTIVE again and the record goes. */
    REACTIVATE,
    /** The activation is cancelled (Ready to Staged), the instance set ACTIVE, the record goes. */
    CANCEL_AND_REACTIVATE,
    /** The host is not back: the instance stays DRAINING and keeps its record. */
    LEAVE_DRAINING
  }

  /**
   * Record on an idle instance that its update check gave no usable answer ({@link
   * FailureReason#CHECK_FAILED}), so that every later report shows it until a check succeeds.
   */
  record RecordCheckFailure(InstanceView instance, String detail) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.CHECK_FAILED;
    }

    @Override
    public Optional<Phase> to() {
      return Optional.empty();
    }

    @Override
    public Optional<Cause> cause() {
      return Optional.of(FailureReason.CHECK_FAILED);
    }

    @Override
    public String note() {
      return detail;
    }
  }

  /** An update check answered: delete the record of the checks that failed before it. */
  record ClearCheckFailure(InstanceView instance) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.CHECK_RECOVERED;
    }

    @Override
    public String note() {
      return "the update check answered again";
    }

    @Override
    public Optional<Phase> to() {
      return Optional.empty();
    }
  }

  /** Delete the updater's record without a failure (the update is no longer offered, ...). */
  record Release(InstanceView instance, Reason reason, String detail) implements Change {
    @Override
    public Transition.Kind kind() {
      return Transition.Kind.RELEASED;
    }

    @Override
    public Optional<Cause> cause() {
      return Optional.of(reason);
    }

    @Override
    public String note() {
      return detail;
    }

    @Override
    public Optional<Phase> to() {
      return Optional.empty();
    }
  }
}
