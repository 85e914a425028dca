package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.util.List;
import java.util.Optional;

/**
 * One thing the planner wants done. The planner only decides; {@link Reconciler} is the one place
 * that carries decisions out, in the order and with the safeguards written there.
 */
public sealed interface Decision {

  /** Whether carrying this out changes anything in the cluster or on a host. */
  default boolean changesState() {
    return !(this instanceof Observe);
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

  /** Send update checks to these idle instances and collect the replies. */
  record CheckForUpdates(List<InstanceView> instances) implements Observe {
    public CheckForUpdates {
      instances = List.copyOf(instances);
    }
  }

  /** Read the tasks on an instance before deciding. */
  record InspectTasks(InstanceView instance) implements ForInstance, Observe {}

  /** Read the cluster's services before deciding. */
  record InspectServices() implements Observe {}

  /** Ask the host for its update status ({@link HostCommand#STATUS}) without changing it. */
  record Probe(InstanceView instance) implements ForInstance, Observe {}

  /**
   * Send the command of the instance's current phase again (its answer was "locked" or it could not
   * be read), keeping the phase's start time so that the phase timeout still applies.
   */
  record Resend(InstanceView instance) implements ForInstance {}

  /** Record that an update waits for a download slot. */
  record Queue(InstanceView instance, String targetVersion, String fromVersion)
      implements ForInstance {}

  /** Start the download: send {@link HostCommand#PREPARE} and record {@link Phase#STAGING}. */
  record StartStaging(
      InstanceView instance, Optional<String> targetVersion, Optional<String> fromVersion)
      implements ForInstance {}

  /** Record {@link Phase#STAGED} with the version now on the inactive partition. */
  record MarkStaged(InstanceView instance, String targetVersion, Optional<String> fromVersion)
      implements ForInstance {}

  /** Record {@link Phase#DRAINING}, then set the instance DRAINING (in that order). */
  record StartDrain(InstanceView instance) implements ForInstance {}

  /** The drain was recorded but not applied and may not start now: back to {@link Phase#STAGED}. */
  record RevertToStaged(InstanceView instance, Reason reason) implements ForInstance {}

  /** Send {@link HostCommand#ACTIVATE} and record {@link Phase#ACTIVATING}. */
  record Activate(InstanceView instance) implements ForInstance {}

  /** Send the guarded {@link HostCommand#REBOOT} and record {@link Phase#REBOOTING}. */
  record Reboot(InstanceView instance) implements ForInstance {}

  /** Send {@link HostCommand#CHECK} and record {@link Phase#VERIFYING}. */
  record Verify(InstanceView instance) implements ForInstance {}

  /** The host runs the target: set the instance ACTIVE, then delete the updater's record. */
  record Complete(InstanceView instance, String runningVersion) implements ForInstance {}

  /** Record a failure, then undo what {@code undo} says. */
  record Fail(InstanceView instance, FailureReason reason, String detail, Undo undo)
      implements ForInstance {

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

  /** Delete the updater's record without a failure (the update is no longer offered, ...). */
  record Release(InstanceView instance, Reason reason, String detail) implements ForInstance {}
}
