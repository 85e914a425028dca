package io.github.bottlerocket.ecsupdater.infra;

/**
 * The names under which the function reports what it does: the CloudWatch metrics it writes in
 * embedded metric format and the source of the events it puts on EventBridge. The alarms and the
 * {@code events:PutEvents} condition of {@link BottlerocketEcsUpdater} are built from these.
 *
 * <p>Every metric is written twice per pass: with the dimension {@value #CLUSTER_DIMENSION} (the
 * cluster name) and with no dimension. The alarms watch the series without dimension, so one alarm
 * covers every managed cluster.
 */
public final class UpdaterSignals {
  /** Source of every event the function puts on its event bus. */
  public static final String EVENT_SOURCE = "bottlerocket-ecs-updater";

  /** Dimension that carries the cluster name on the per-cluster copy of each metric. */
  public static final String CLUSTER_DIMENSION = "Cluster";

  /** Instances whose update finished in a pass (count). */
  public static final String UPDATES_SUCCEEDED = "UpdatesSucceeded";

  /** Instances whose update failed in a pass (count). */
  public static final String UPDATES_FAILED = "UpdatesFailed";

  /** Instances with an update under way at the end of a pass (count). */
  public static final String UPDATES_IN_PROGRESS = "UpdatesInProgress";

  /** 1 when a cluster's failure budget is spent and no new update starts there, else 0. */
  public static final String CIRCUIT_BREAKER_OPEN = "CircuitBreakerOpen";

  /** Passes that stopped on a fault (count). */
  public static final String PASS_ERRORS = "PassErrors";

  private UpdaterSignals() {}
}
