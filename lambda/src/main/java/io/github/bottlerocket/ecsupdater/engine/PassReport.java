package io.github.bottlerocket.ecsupdater.engine;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one pass over one cluster did and found.
 *
 * @param clusterArn the cluster
 * @param runId this pass's id, on every log line and event
 * @param dryRun whether nothing was changed
 * @param startedAt when the pass began
 * @param finishedAt when it ended
 * @param stopReason why it ended
 * @param observations how many times the cluster was observed
 * @param cluster the cluster-wide gates at the last observation, if the cluster was observed
 * @param instances one line per container instance
 * @param transitions every change made (or, in a dry run, planned), in order
 * @param error what stopped the pass, if a fault did
 * @param faults the AWS calls that failed during the pass after the SDK's own retries, by operation
 *     and kind of fault; transient ones (throttling, 5xx, time-outs) made the pass wait and look
 *     again, any other ended it or the one step it hit
 * @param lease the lease this pass held (or lost), or, when it ended {@link
 *     StopReason#CLUSTER_BUSY}, the one another pass holds; empty when it took none
 */
public record PassReport(
    String clusterArn,
    String runId,
    boolean dryRun,
    Instant startedAt,
    Instant finishedAt,
    StopReason stopReason,
    int observations,
    Optional<ClusterStatus> cluster,
    List<InstanceReport> instances,
    List<Transition> transitions,
    Optional<String> error,
    List<Fault> faults,
    Optional<ClusterLease.LeaseStatus> lease) {

  public PassReport {
    instances = List.copyOf(instances);
    transitions = List.copyOf(transitions);
    faults = List.copyOf(faults);
  }

  /**
   * An AWS call that failed during the pass.
   *
   * @param operation the operation, e.g. {@code ecs:ListContainerInstances}
   * @param kind the kind of fault, e.g. {@code THROTTLED}
   * @param count how many times
   */
  public record Fault(String operation, String kind, int count) {}

  /** Why a pass ended. */
  public enum StopReason {
    /** Nothing more can happen now without waiting for a later pass. */
    SETTLED,
    /** The dry run has its plan. */
    PLANNED,
    /** The deadline came; in-flight updates continue in the next pass. */
    DEADLINE,
    /** A fault stopped the pass; see the error. */
    ERROR,
    /** Another pass holds the cluster's lease (see the lease): this pass changed nothing. */
    CLUSTER_BUSY,
    /**
     * The pass lost its lease (another pass took it after it lapsed, or it could not be renewed in
     * time) and stopped changing anything at once; see the error.
     */
    LEASE_LOST
  }

  /** How many instances ended the pass with each outcome. */
  public Map<Outcome, Integer> counts() {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0);
    }
    instances.forEach(i -> counts.merge(i.outcome(), 1, Integer::sum));
    return counts;
  }
}
