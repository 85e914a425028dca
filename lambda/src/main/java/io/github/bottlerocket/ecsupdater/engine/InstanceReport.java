package io.github.bottlerocket.ecsupdater.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * One instance's line in a pass report.
 *
 * @param containerInstanceArn the container instance
 * @param ec2InstanceId its EC2 instance id
 * @param ecsStatus its ECS status
 * @param variant its Bottlerocket variant, if it runs Bottlerocket
 * @param runningVersion the version it runs, when known in this pass
 * @param targetVersion the version it moves to, when there is one
 * @param phase the phase of its update, if one is in progress
 * @param outcome where it stands
 * @param reason why it is skipped, waiting or failed, if it is
 * @param detail the specifics behind the reason
 * @param next what happens next, in words
 */
public record InstanceReport(
    String containerInstanceArn,
    String ec2InstanceId,
    String ecsStatus,
    Optional<String> variant,
    Optional<String> runningVersion,
    Optional<String> targetVersion,
    Optional<Phase> phase,
    Outcome outcome,
    Optional<Cause> reason,
    String detail,
    String next) {

  public InstanceReport {
    Objects.requireNonNull(containerInstanceArn, "containerInstanceArn");
    Objects.requireNonNull(outcome, "outcome");
    detail = detail == null ? "" : detail;
    next = next == null ? "" : next;
  }
}
