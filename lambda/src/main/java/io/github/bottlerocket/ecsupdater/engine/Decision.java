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
  boolean changesState();

  /** A decision about one instance. */
  sealed interface ForInstance extends Decision {
    InstanceView instance();
  }

  /** Send update checks to these idle instances and collect the replies. */
  record CheckForUpdates(List<InstanceView> instances) implements Decision {
    public CheckForUpdates {
      instances = List.copyOf(instances);
    }

    @Override
    public boolean changesState() {
      return false;
    }
  }

  /** Read the tasks on an instance before deciding. */
  record InspectTasks(InstanceView instance) implements ForInstance {
    @Override
    public boolean changesState() {
      return false;
    }
  }

  /** Read the cluster's services before deciding. */
  record InspectServices() implements Decision {
    @Override
    public boolean changesState() {
      return false;
    }
  }

  /** Ask the host for its update status ({@link HostCommand#STATUS}) without changing it. */
  record Probe(InstanceView instance) implements ForInstance {
    @Override
    public boolean changesState() {
      return false;
    }
  }

  /**
   * Send the command of the instance's current phase again (its answer was "locked" or it could not
   * be read), keeping the phase's start time so that the phase timeout still applies.
   */
  record Resend(InstanceView instance) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Record that an update waits for a download slot. */
  record Queue(InstanceView instance, String targetVersion, String fromVersion)
      implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Start the download: send {@link HostCommand#PREPARE} and record {@link Phase#STAGING}. */
  record StartStaging(
      InstanceView instance, Optional<String> targetVersion, Optional<String> fromVersion)
      implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Record {@link Phase#STAGED} with the version now on the inactive partition. */
  record MarkStaged(InstanceView instance, String targetVersion, Optional<String> fromVersion)
      implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Record {@link Phase#DRAINING}, then set the instance DRAINING (in that order). */
  record StartDrain(InstanceView instance) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** The drain was recorded but not applied and may not start now: back to {@link Phase#STAGED}. */
  record RevertToStaged(InstanceView instance, Reason reason) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Send {@link HostCommand#ACTIVATE} and record {@link Phase#ACTIVATING}. */
  record Activate(InstanceView instance) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Send the guarded {@link HostCommand#REBOOT} and record {@link Phase#REBOOTING}. */
  record Reboot(InstanceView instance) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Send {@link HostCommand#CHECK} and record {@link Phase#VERIFYING} (or a new check id). */
  record Verify(InstanceView instance) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** The host runs the target: set the instance ACTIVE, then delete the updater's record. */
  record Complete(InstanceView instance, String runningVersion) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /**
   * Record a failure, then undo what must be undone.
   *
   * @param cancelActivation send {@link HostCommand#CANCEL} so a Ready update goes back to Staged
   * @param reactivate set the instance ACTIVE again (only ever for an instance the updater drained)
   * @param keepRecord keep the phase record (the instance stays where it is, e.g. DRAINING)
   */
  record Fail(
      InstanceView instance,
      FailureReason reason,
      String detail,
      boolean cancelActivation,
      boolean reactivate,
      boolean keepRecord)
      implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Delete the updater's record without a failure (the update is no longer offered, ...). */
  record Release(InstanceView instance, Reason reason, String detail) implements ForInstance {
    @Override
    public boolean changesState() {
      return true;
    }
  }
}
