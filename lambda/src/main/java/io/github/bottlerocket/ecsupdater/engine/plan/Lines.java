package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The one place where report lines are built, from a rule's verdict or a finished step. */
public final class Lines {
  private Lines() {}

  /** The report line of a rule's verdict. */
  static InstanceReport line(InstanceView v, Verdict verdict) {
    Optional<PhaseRecord> r = v.record();
    Optional<UpdateStatus> status = verdict.status();
    Optional<String> running =
        status.map(UpdateStatus::activeVersion).or(() -> r.flatMap(PhaseRecord::fromVersion));
    Optional<String> target =
        status.flatMap(UpdateStatus::targetVersion).or(() -> r.flatMap(PhaseRecord::targetVersion));
    if (status.isPresent() && !status.get().hasUpdate()) {
      target = Optional.empty();
    }
    return new InstanceReport(
        v.arn(),
        v.ec2InstanceId(),
        v.instance().status().name(),
        v.instance().variant(),
        running,
        target,
        v.phase(),
        verdict.outcome(),
        verdict.cause(),
        verdict.detail(),
        verdict.next());
  }

  /** The line of an instance whose update just completed. */
  public static InstanceReport updated(
      InstanceView v, PhaseRecord old, String runningVersion, Optional<Duration> outOfService) {
    return new InstanceReport(
        v.arn(),
        v.ec2InstanceId(),
        InstanceStatus.ACTIVE.name(),
        v.instance().variant(),
        Optional.of(runningVersion),
        Optional.empty(),
        Optional.empty(),
        Outcome.UPDATED,
        Optional.empty(),
        "updated from "
            + old.fromVersion().orElse("?")
            + " to "
            + runningVersion
            + outOfService.map(d -> "; out of service " + Durations.format(d)).orElse(""),
        "checked again after CHECK_INTERVAL");
  }

  /** The line of an instance whose update just failed, after the failure was carried out. */
  public static InstanceReport failed(Decision.Fail f, Instant retryAt) {
    InstanceView v = f.instance();
    PhaseRecord old = v.record().orElseThrow();
    boolean drainedByUs = old.phase().isOutOfService();
    InstanceStatus status =
        f.reactivate() && drainedByUs ? InstanceStatus.ACTIVE : v.instance().status();
    return new InstanceReport(
        v.arn(),
        v.ec2InstanceId(),
        status.name(),
        v.instance().variant(),
        old.fromVersion(),
        old.targetVersion(),
        f.keepRecord() ? Optional.of(old.phase()) : Optional.empty(),
        Outcome.FAILED,
        Optional.of(f.reason()),
        f.reason().summary() + ": " + f.detail(),
        afterFailure(f, retryAt));
  }

  /** What happens after a failure: what it undid and when, or whether, the instance is retried. */
  public static String afterFailure(Decision.Fail f, Instant retryAt) {
    String undone = f.keepRecord() ? "left DRAINING; " : f.reactivate() ? "set ACTIVE; " : "";
    return undone
        + (f.reason().countsAgainstBudget()
            ? "counts against FAILURE_BUDGET until an operator deletes " + StateAttributes.FAILURE
            : "tried again at the first update check after " + retryAt);
  }
}
