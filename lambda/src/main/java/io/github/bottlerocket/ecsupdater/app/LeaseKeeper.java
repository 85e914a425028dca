package io.github.bottlerocket.ecsupdater.app;

import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The per-cluster lease of the passes that change a cluster, in a table behind a {@link LeasePort}.
 * A claim writes the lease with the pass's run id as owner and an expiry {@code LEASE_DURATION}
 * after the claim was sent; it succeeds only where there is no lease, or it has expired by this
 * pass's clock.
 *
 * <p>The timing rule that keeps two passes from changing one cluster at once: the holder renews
 * once a third of the lease has passed since it last sent a successful renewal, and sends no change
 * once two thirds have passed without one. Every time is taken before the call that writes it, so
 * the expiry the table holds is never later than the one the holder counts with. Another pass can
 * take the lease only after the whole duration; so between the holder's last change and anyone
 * else's first there is always at least a third of the lease, which must cover the longest AWS call
 * (90 seconds, the SDK's limit with retries) and the difference between the two hosts' clocks. A
 * renewal that finds the lease taken, or that AWS refuses for good, ends the pass's changes at
 * once; one that fails on throttling or a 5xx is tried again, a twelfth of the lease later, while
 * the lease is still in its first two thirds.
 *
 * <p>Which table: the one configured ({@code LEASE_TABLE}, or the runner's {@code --lease-table}),
 * else the one the cluster's tag {@value StateAttributes#LEASE_TABLE_TAG} names, else none. A
 * configured table that differs from the tag's is refused: passes taking leases in two tables would
 * not keep each other out. A pass that holds a lease in a configured table writes the tag if the
 * cluster does not carry it, so that a runner finds the table.
 */
public final class LeaseKeeper implements ClusterLease {
  private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());
  private static final String TAG = StateAttributes.LEASE_TABLE_TAG;

  /**
   * Where the lease table comes from.
   *
   * @param table the table configured, if one is
   * @param named how the operator names that configuration in messages, e.g. {@code LEASE_TABLE}
   * @param none the operator asked for no lease at all (the runner's {@code --no-lease})
   * @param hint appended to a refusal: what else this entry point offers
   */
  public record Tables(Optional<String> table, String named, boolean none, String hint) {
    /** The function's {@code LEASE_TABLE}. */
    public static Tables setting(Optional<String> table) {
      return new Tables(table, "LEASE_TABLE", false, "");
    }
  }

  /** A lease table port for entry points built without a client: it refuses every call. */
  public static final LeasePort NO_CLIENT =
      new LeasePort() {
        private AwsFault refuse(String operation) {
          return new AwsFault(
              AwsFault.Kind.INVALID_REQUEST,
              operation,
              "this entry point was built without a lease table client",
              null);
        }

        @Override
        public Result take(String table, Lease lease) {
          throw refuse("dynamodb:PutItem");
        }

        @Override
        public Result renew(
            String table, String key, String owner, Instant now, Instant expiresAt) {
          throw refuse("dynamodb:UpdateItem");
        }

        @Override
        public boolean release(String table, String key, String owner) {
          throw refuse("dynamodb:DeleteItem");
        }

        @Override
        public Optional<Lease> read(String table, String key) {
          throw refuse("dynamodb:GetItem");
        }
      };

  private final LeasePort leases;
  private final EcsPort ecs;
  private final Clock clock;
  private final Duration duration;
  private final Tables tables;
  private final String holder;
  private final Consumer<String> notes;

  /**
   * @param leases the lease table's calls
   * @param ecs to write the cluster tag that names the table
   * @param clock the clock every expiry is counted on
   * @param duration {@code LEASE_DURATION}
   * @param tables which table to use
   * @param holder where the passes run, for people reading the table or a busy report
   * @param notes hears why a pass runs without a lease
   */
  public LeaseKeeper(
      LeasePort leases,
      EcsPort ecs,
      Clock clock,
      Duration duration,
      Tables tables,
      String holder,
      Consumer<String> notes) {
    this.leases = leases;
    this.ecs = ecs;
    this.clock = clock;
    this.duration = duration;
    this.tables = tables;
    this.holder = holder;
    this.notes = notes;
  }

  /** A keeper whose passes without a lease go unremarked (the function alone). */
  public LeaseKeeper(
      LeasePort leases, EcsPort ecs, Clock clock, Duration duration, Tables tables, String holder) {
    this(leases, ecs, clock, duration, tables, holder, note -> {});
  }

  @Override
  public Claim claim(ClusterInfo cluster, String runId) {
    Optional<String> tagged = Optional.ofNullable(cluster.tags().get(TAG));
    if (tables.none()) {
      return unleased(
          tagged
              .map(
                  t ->
                      tables.named()
                          + ": the cluster names the lease table '"
                          + Echo.cut(t)
                          + "' (tag "
                          + TAG
                          + "), but this pass takes no lease; nothing keeps another pass out")
              .orElse(tables.named() + ": this pass takes no lease"));
    }
    if (tables.table().isPresent() && tagged.isPresent() && !tagged.equals(tables.table())) {
      return new Refused(mismatch(cluster, tagged.get()) + tables.hint());
    }
    Optional<String> table = tables.table().or(() -> tagged);
    if (table.isEmpty()) {
      return unleased(
          "no lease: "
              + tables.named()
              + " is empty and the cluster carries no tag "
              + TAG
              + " naming a lease table, so nothing keeps another pass out of "
              + cluster.name());
    }
    String from = tables.table().isPresent() ? tables.named() : "the cluster's tag " + TAG;
    for (int attempt = 1; ; attempt++) {
      Instant sent = clock.instant();
      LeasePort.Lease lease =
          new LeasePort.Lease(cluster.arn(), runId, holder, sent, sent.plus(duration));
      LeasePort.Result r;
      try {
        r = leases.take(table.get(), lease);
      } catch (AwsFault e) {
        if (e.kind().isTransient()) {
          throw e;
        }
        return new Refused(unusable(table.get(), from, cluster, e) + tables.hint());
      }
      if (r.won()) {
        Kept kept = new Kept(table.get(), cluster.arn(), runId, sent);
        if (tagged.isEmpty()) {
          kept.tag(cluster.arn());
        }
        return new Held(kept);
      }
      if (r.other().isPresent() || attempt == 2) {
        // A lease that vanished between the write and the read is gone; one more try settles it.
        return new Busy(
            r.other()
                .map(o -> new LeaseStatus(table.get(), o.owner(), o.holder(), o.expiresAt()))
                .orElse(new LeaseStatus(table.get(), "?", "(unknown)", sent)));
      }
    }
  }

  private Unleased unleased(String why) {
    try {
      notes.accept(why);
    } catch (RuntimeException e) {
      // Hearing about it never stops a pass.
    }
    return new Unleased(why);
  }

  private String mismatch(ClusterInfo cluster, String tagged) {
    return "cluster '"
        + cluster.arn()
        + "' names the lease table '"
        + Echo.cut(tagged)
        + "' in its tag "
        + TAG
        + ", but "
        + tables.named()
        + " is '"
        + tables.table().orElseThrow()
        + "': passes that take their leases in two tables do not keep each other out, so"
        + " nothing was changed. Use '"
        + Echo.cut(tagged)
        + "'; or, if no updater uses that table any more, delete the tag (aws ecs"
        + " untag-resource --resource-arn "
        + cluster.arn()
        + " --tag-keys "
        + TAG
        + ")";
  }

  private static String unusable(String table, String from, ClusterInfo cluster, AwsFault e) {
    String which = "the lease table '" + table + "' (" + from + ")";
    return switch (e.kind()) {
      case NOT_FOUND ->
          which
              + " does not exist in this account and region, so nothing was changed. "
              + (from.startsWith("the cluster's tag")
                  ? "If the stack that created it is gone, delete the tag (aws ecs untag-resource"
                      + " --resource-arn "
                      + cluster.arn()
                      + " --tag-keys "
                      + TAG
                      + ")"
                  : "Create it (the stack does, with the string partition key "
                      + LeasePort.PARTITION_KEY
                      + ")")
              + ", or name the right table. ("
              + e.getMessage()
              + ")";
      case ACCESS_DENIED ->
          which
              + " may not be written with these credentials, so nothing was changed. Allow"
              + " dynamodb:PutItem, dynamodb:UpdateItem and dynamodb:DeleteItem on it (the stack"
              + " grants them to its function). ("
              + e.getMessage()
              + ")";
      default ->
          which
              + " refused the lease, so nothing was changed; its partition key must be the string"
              + " attribute "
              + LeasePort.PARTITION_KEY
              + ". ("
              + e.getMessage()
              + ")";
    };
  }

  /** A lease this pass holds. */
  private final class Kept implements Hold {
    private final String table;
    private final String key;
    private final String owner;
    private final Duration third = duration.dividedBy(3);
    private final Duration retryGap = max(duration.dividedBy(12), Duration.ofMillis(1));

    /** When the last take or renewal that succeeded was sent. */
    private Instant sentAt;

    /** No renewal is tried before this, after one failed on a transient fault. */
    private Instant nextAttempt;

    private Optional<AwsFault> lastFault = Optional.empty();
    private Optional<String> lost = Optional.empty();

    Kept(String table, String key, String owner, Instant sentAt) {
      this.table = table;
      this.key = key;
      this.owner = owner;
      this.sentAt = sentAt;
      this.nextAttempt = sentAt.plus(third);
    }

    private Instant expiresAt() {
      return sentAt.plus(duration);
    }

    @Override
    public void keep() {
      if (lost.isPresent()) {
        throw new LostException(lost.get());
      }
      Instant now = clock.instant();
      if (!now.isBefore(sentAt.plus(third)) && !now.isBefore(nextAttempt)) {
        renew(now);
      }
      Instant after = clock.instant();
      if (lost.isEmpty() && !after.isBefore(sentAt.plus(third.multipliedBy(2)))) {
        lose(
            "the lease on "
                + key
                + " in '"
                + table
                + "' was not renewed before its last third began (it lapses at "
                + expiresAt()
                + " by this pass's clock)"
                + lastFault.map(f -> "; the last renewal failed: " + f.getMessage()).orElse(""));
      }
      if (lost.isPresent()) {
        throw new LostException(lost.get());
      }
    }

    private void renew(Instant now) {
      LeasePort.Result r;
      try {
        r = leases.renew(table, key, owner, now, now.plus(duration));
      } catch (AwsFault e) {
        if (!e.kind().isTransient()) {
          lose("renewing the lease on " + key + " in '" + table + "' failed: " + e.getMessage());
          return;
        }
        // It may or may not have been applied; only the expiry known for sure counts.
        lastFault = Optional.of(e);
        nextAttempt = now.plus(retryGap);
        return;
      }
      if (r.won()) {
        sentAt = now;
        nextAttempt = now.plus(third);
        lastFault = Optional.empty();
        return;
      }
      lose(
          r.other()
              .map(
                  o ->
                      "the lease on "
                          + key
                          + " was taken by "
                          + o.holder()
                          + " (run "
                          + o.owner()
                          + ", until "
                          + o.expiresAt()
                          + ")")
              .orElse("the lease on " + key + " in '" + table + "' is gone (deleted)"));
    }

    private void lose(String why) {
      lost =
          Optional.of(
              why + "; the pass stopped changing anything at once, and the next pass continues");
      LOG.log(Level.WARNING, lost.get());
    }

    @Override
    public Duration renewIn() {
      Instant now = clock.instant();
      Instant next = sentAt.plus(third);
      if (nextAttempt.isAfter(next)) {
        next = nextAttempt;
      }
      return max(Duration.between(now, next), Duration.ofMillis(1));
    }

    @Override
    public EcsPort guard(EcsPort inner) {
      return new GuardedPorts.Ecs(inner, this::keep);
    }

    @Override
    public SsmPort guard(SsmPort inner) {
      return new GuardedPorts.Ssm(inner, this::keep);
    }

    @Override
    public AutoScalingPort guard(AutoScalingPort inner) {
      return new GuardedPorts.AutoScaling(inner, this::keep);
    }

    @Override
    public LeaseStatus status() {
      return new LeaseStatus(table, owner, holder, expiresAt());
    }

    @Override
    public void release() {
      if (lost.isPresent()) {
        return;
      }
      lost = Optional.of("the pass released its lease");
      try {
        leases.release(table, key, owner);
      } catch (RuntimeException e) {
        // It lapses by itself at its expiry.
        LOG.log(
            Level.WARNING,
            "could not release the lease on " + key + " (it lapses at " + expiresAt() + ")",
            e);
      }
    }

    /** Names the table on the cluster, for the runner; a pass goes on without the tag. */
    void tag(String clusterArn) {
      try {
        keep();
        ecs.tagCluster(clusterArn, Map.of(TAG, table));
      } catch (AwsFault e) {
        LOG.log(
            Level.WARNING,
            "could not tag "
                + clusterArn
                + " with "
                + TAG
                + "="
                + table
                + " ("
                + e.getMessage()
                + "); the command-line runner will need --lease-table "
                + table);
      }
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** How a busy cluster reads in a report line or the runner's output. */
  public static String busy(LeaseStatus s) {
    return "the cluster is being changed by "
        + s.holder()
        + " (run "
        + s.runId()
        + "), whose lease in '"
        + s.table()
        + "' lasts until "
        + s.expiresAt()
        + "; nothing was changed";
  }
}
