package io.github.bottlerocket.ecsupdater.port;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The lease table: one item per cluster, keyed by the cluster ARN, written only with conditions
 * (DynamoDB conditional writes), so that at most one pass holds a cluster's lease at a time.
 *
 * <p>Every write names its owner, the run id of the pass, which no other pass ever uses. A lease is
 * free when there is no item or its expiry has passed by the writer's clock; only its owner can
 * renew or release it.
 */
public interface LeasePort {
  /** The table's partition key: a string attribute holding the cluster ARN. */
  String PARTITION_KEY = "clusterArn";

  /**
   * Takes the lease if it is free, has expired at {@code lease.acquiredAt()}, or is already {@code
   * lease.owner()}'s (a retried take whose first answer was lost).
   *
   * @param table the lease table
   * @param lease the item to write; its {@code acquiredAt} is the writer's clock when it asks
   * @return won, or not won with the lease another pass holds
   * @throws AwsFault when the call failed (no such table, access denied, throttled, ...); whether
   *     it was applied is then unknown
   */
  Result take(String table, Lease lease);

  /**
   * Moves the expiry of a lease that {@code owner} holds.
   *
   * @param now the owner's clock when it asks; recorded as the renewal time
   * @return won when renewed; otherwise the lease as it is now (another pass's), or none when there
   *     is no lease any more
   * @throws AwsFault when the call failed; whether it was applied is then unknown
   */
  Result renew(String table, String key, String owner, Instant now, Instant expiresAt);

  /**
   * Deletes the lease if {@code owner} still holds it; a lease that is not the owner's is left
   * alone.
   *
   * @return whether the owner's lease was there and is gone
   * @throws AwsFault when the call failed
   */
  boolean release(String table, String key, String owner);

  /**
   * The lease on {@code key}, read consistently; empty when nobody holds or held one.
   *
   * @throws AwsFault when the call failed
   */
  Optional<Lease> read(String table, String key);

  /**
   * One lease.
   *
   * @param key the cluster ARN
   * @param owner the run id of the pass that holds it
   * @param holder where that pass runs, for people: the entry point and its host or function
   * @param acquiredAt when it was taken, by the holder's clock
   * @param expiresAt when it lapses unless renewed, by the holder's clock
   */
  record Lease(String key, String owner, String holder, Instant acquiredAt, Instant expiresAt) {
    public Lease {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(holder, "holder");
      Objects.requireNonNull(acquiredAt, "acquiredAt");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * What a conditional write found.
   *
   * @param won whether the write was made: the lease is the caller's now
   * @param other when not won, the lease as it is (another pass's); empty when there is none
   */
  record Result(boolean won, Optional<Lease> other) {
    public static final Result WON = new Result(true, Optional.empty());

    public Result {
      Objects.requireNonNull(other, "other");
    }

    public static Result lost(Optional<Lease> other) {
      return new Result(false, other);
    }
  }
}
