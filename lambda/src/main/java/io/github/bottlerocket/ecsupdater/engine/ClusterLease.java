package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a changing pass holds over its cluster so that no other pass changes the cluster at the same
 * time: a lease. The reconciler claims it right after describing the cluster and before the first
 * observation it acts on, keeps it before every observation, sends every call that changes the
 * cluster through the ports the hold guards, and releases it when the pass ends. A dry run claims
 * none.
 *
 * <p>A claim that fails on a transient fault (throttling, a 5xx, a time-out) throws the {@link
 * io.github.bottlerocket.ecsupdater.port.AwsFault}; the reconciler waits and claims again while
 * time is left, and changes nothing meanwhile.
 */
public interface ClusterLease {

  /**
   * Claims the lease of {@code cluster} for the pass {@code runId}.
   *
   * @throws io.github.bottlerocket.ecsupdater.port.AwsFault of a transient kind, to be retried
   */
  Claim claim(ClusterInfo cluster, String runId);

  /** No lease for any pass: the function alone, without a lease table. */
  ClusterLease NONE = (cluster, runId) -> new Unleased("no lease table");

  /** What a claim found. */
  sealed interface Claim permits Held, Busy, Unleased, Refused {}

  /** The pass holds the lease. */
  record Held(Hold hold) implements Claim {}

  /** Another pass holds the lease: this pass changes nothing. */
  record Busy(LeaseStatus holder) implements Claim {}

  /** No lease applies to this cluster; the pass runs without one. */
  record Unleased(String why) implements Claim {}

  /** The lease cannot be taken, and asking again will not help: the pass ends with this error. */
  record Refused(String why) implements Claim {}

  /** A lease the pass holds. */
  interface Hold {
    /**
     * Renews the lease when a third of it has passed since the last renewal.
     *
     * @throws LostException when the pass may no longer change anything: another pass holds the
     *     lease now, or it could not be renewed before its last third began
     */
    void keep();

    /** How long until {@link #keep()} next asks to renew; positive. */
    Duration renewIn();

    /** {@code ecs}, with every call that changes the cluster made only after {@link #keep()}. */
    EcsPort guard(EcsPort ecs);

    /** {@code ssm}, with every command that changes a host sent only after {@link #keep()}. */
    SsmPort guard(SsmPort ssm);

    /** {@code autoScaling}, with every protection change made only after {@link #keep()}. */
    AutoScalingPort guard(AutoScalingPort autoScaling);

    /** The lease as this pass holds it now. */
    LeaseStatus status();

    /** Gives the lease back, if it is still this pass's; never throws. */
    void release();
  }

  /**
   * A lease, as a report shows it.
   *
   * @param table the lease table
   * @param runId the run id of the pass that holds it
   * @param holder where that pass runs
   * @param expiresAt when it lapses unless renewed, by the holder's clock
   */
  record LeaseStatus(String table, String runId, String holder, Instant expiresAt) {
    public LeaseStatus {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(holder, "holder");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** The pass lost its lease and must not change anything more; the message says why. */
  final class LostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LostException(String message) {
      super(message);
    }
  }
}
