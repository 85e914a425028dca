package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.engine.plan.Planner;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs reconcile passes: observes a cluster ({@link Observer}), lets the {@link Planner} decide,
 * carries the decisions out ({@link Executor}), and repeats while work is in flight and time is
 * left. What the pass did is kept in its {@link PassLog}.
 *
 * <p>A transient AWS fault (throttling beyond the SDK's retries, a 5xx, a connection reset, a call
 * that timed out) never ends a pass: it waits, with a growing and partly random pause, and observes
 * again while time is left. Only faults that retrying cannot fix (access denied, the cluster not
 * found, a request AWS rejects) end it. A fault that hits one instance's step is kept on that
 * instance's line; the next observation decides again.
 *
 * <p>A pass that may change the cluster first claims its {@link ClusterLease} and changes nothing
 * without it: another pass that holds it ends this one {@code CLUSTER_BUSY} before its first
 * observation. The hold is kept before every observation and before every call that changes the
 * cluster (the executor gets ports the hold guards), also while the pass waits, so a pass whose
 * lease is lost or could not be renewed in time stops at once ({@code LEASE_LOST}); the lease is
 * released when the pass ends, however it ends.
 */
public final class Reconciler {
  /** Guards against a plan that keeps changing state without ever waiting. */
  private static final int MAX_ITERATIONS_WITHOUT_WAIT = 25;

  private final EcsPort ecs;
  private final SsmPort ssm;
  private final AutoScalingPort autoScaling;
  private final CloudWatchPort cloudWatch;
  private final Settings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final PassListener listener;
  private final Supplier<String> runIds;

  /**
   * @param autoScaling the Auto Scaling groups the instances belong to, for the scale-in shield
   * @param cloudWatch the alarms the rollout gates read
   */
  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      AutoScalingPort autoScaling,
      CloudWatchPort cloudWatch,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this.ecs = ecs;
    this.ssm = ssm;
    this.autoScaling = autoScaling;
    this.cloudWatch = cloudWatch;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    this.listener = listener;
    this.runIds = runIds;
  }

  /** Without alarms to read. */
  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      AutoScalingPort autoScaling,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this(
        ecs,
        ssm,
        autoScaling,
        CloudWatchPort.UNAVAILABLE,
        settings,
        clock,
        sleeper,
        listener,
        runIds);
  }

  /** Without Auto Scaling: no instance belongs to a group. */
  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      CloudWatchPort cloudWatch,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this(
        ecs,
        ssm,
        AutoScalingPort.NO_GROUPS,
        cloudWatch,
        settings,
        clock,
        sleeper,
        listener,
        runIds);
  }

  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this(ecs, ssm, CloudWatchPort.UNAVAILABLE, settings, clock, sleeper, listener, runIds);
  }

  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener) {
    this(ecs, ssm, settings, clock, sleeper, listener, () -> UUID.randomUUID().toString());
  }

  /**
   * Runs one pass over {@code cluster}.
   *
   * @param cluster a cluster name or ARN
   * @param options this pass's options
   * @param deadline the time this pass has; it stops starting steps DEADLINE_MARGIN before the end
   * @return the pass report; a fault that stopped the pass is in it, never thrown
   */
  public PassReport run(String cluster, PassOptions options, Deadline deadline) {
    return run(cluster, options, deadline, ClusterLease.NONE);
  }

  /**
   * Runs one pass over {@code cluster} that changes nothing without {@code lease}.
   *
   * @param cluster a cluster name or ARN
   * @param options this pass's options; a dry run claims no lease
   * @param deadline the time this pass has; it stops starting steps DEADLINE_MARGIN before the end
   * @param lease the cluster's lease, claimed after the cluster is described
   * @return the pass report; a fault that stopped the pass is in it, never thrown
   */
  public PassReport run(
      String cluster, PassOptions options, Deadline deadline, ClusterLease lease) {
    Settings effective =
        options.maxConcurrent().isPresent()
            ? settings.withMaxConcurrent(options.maxConcurrent().getAsInt())
            : settings;
    return new Pass(cluster, options, deadline, effective, lease).run();
  }

  /** One pass: the loop. */
  private final class Pass {
    private final String clusterRef;
    private final PassOptions options;
    private final Deadline deadline;
    private final Settings s;
    private final String runId = runIds.get();
    private final ClusterLease lease;
    // The observer only reads; every call that changes the cluster goes through the executor.
    private final Observer observer;
    private final PassLog log;
    private final SplittableRandom jitter;
    private Optional<ClusterLease.Hold> hold = Optional.empty();
    private Executor executor;

    Pass(
        String clusterRef, PassOptions options, Deadline deadline, Settings s, ClusterLease lease) {
      this.clusterRef = clusterRef;
      this.options = options;
      this.deadline = deadline;
      this.s = s;
      this.lease = lease;
      this.observer = new Observer(ecs, ssm, autoScaling, cloudWatch, clock, s, options);
      this.log = new PassLog(clusterRef, runId, options, clock.instant(), listener, clock);
      this.jitter = new SplittableRandom(runId.hashCode());
    }

    PassReport run() {
      try {
        return pass();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return end(PassReport.StopReason.DEADLINE, Optional.of("interrupted"));
      } catch (ClusterLease.LostException e) {
        return end(PassReport.StopReason.LEASE_LOST, Optional.of(e.getMessage()));
      } finally {
        hold.ifPresent(ClusterLease.Hold::release);
      }
    }

    /** Ends the pass, with the lease as it stands in the report. */
    private PassReport end(PassReport.StopReason stop, Optional<String> error) {
      hold.ifPresent(h -> log.lease(h.status()));
      return log.finish(stop, error);
    }

    /**
     * Claims the cluster's lease, waiting and asking again on a transient fault while time is left.
     *
     * @return the report of a pass that must end here (busy, refused, or no lease to be had)
     */
    private Optional<PassReport> claim(ClusterInfo cluster) throws InterruptedException {
      for (int n = 1; ; n++) {
        try {
          switch (lease.claim(cluster, runId)) {
            case ClusterLease.Held h -> {
              hold = Optional.of(h.hold());
              log.lease(h.hold().status());
              return Optional.empty();
            }
            case ClusterLease.Busy b -> {
              log.lease(b.holder());
              return Optional.of(end(PassReport.StopReason.CLUSTER_BUSY, Optional.empty()));
            }
            case ClusterLease.Unleased u -> {
              return Optional.empty();
            }
            case ClusterLease.Refused r -> {
              return Optional.of(end(PassReport.StopReason.ERROR, Optional.of(r.why())));
            }
          }
        } catch (AwsFault e) {
          log.fault(e);
          Duration pause = backoff(n);
          if (!e.kind().isTransient() || outOfTime(pause)) {
            return Optional.of(
                end(
                    PassReport.StopReason.ERROR,
                    Optional.of(
                        "the cluster's lease could not be taken, so nothing was changed: "
                            + e.getMessage())));
          }
          sleeper.sleep(pause);
        }
      }
    }

    /** Waits {@code pause}, waking to keep the lease whenever it is due for renewal. */
    private void rest(Duration pause) throws InterruptedException {
      Duration left = pause;
      while (hold.isPresent() && left.compareTo(hold.get().renewIn()) > 0) {
        Duration slice = hold.get().renewIn();
        sleeper.sleep(slice);
        left = left.minus(slice);
        hold.get().keep();
      }
      sleeper.sleep(left);
    }

    private PassReport pass() throws InterruptedException {
      ClusterInfo cluster = null;
      for (int n = 1; cluster == null; n++) {
        try {
          cluster = observer.describeCluster(clusterRef);
        } catch (AwsFault e) {
          log.fault(e);
          Duration pause = backoff(n);
          if (!e.kind().isTransient() || outOfTime(pause)) {
            return end(PassReport.StopReason.ERROR, Optional.of(e.getMessage()));
          }
          sleeper.sleep(pause);
        }
      }
      if (!s.allowedClusters().isEmpty()
          && !s.allowedClusters().contains(cluster.name())
          && !s.allowedClusters().contains(cluster.arn())) {
        return end(
            PassReport.StopReason.ERROR,
            Optional.of(
                "cluster '"
                    + cluster.arn()
                    + "' is not in ALLOWED_CLUSTERS ("
                    + String.join(", ", s.allowedClusters())
                    + "); add it there or invoke with an allowed cluster"));
      }
      log.cluster(cluster);
      if (!options.dryRun()) {
        Optional<PassReport> out = claim(cluster);
        if (out.isPresent()) {
          return out.get();
        }
      }
      EcsPort changes = hold.map(h -> h.guard(ecs)).orElse(ecs);
      SsmPort commands = hold.map(h -> h.guard(ssm)).orElse(ssm);
      AutoScalingPort shields = hold.map(h -> h.guard(autoScaling)).orElse(autoScaling);
      executor =
          new Executor(
              changes,
              commands,
              new ScaleInShield(shields, log),
              s,
              options,
              observer,
              log,
              deadline::remaining,
              runId);
      int withoutWait = 0;
      int faultsInARow = 0;
      while (true) {
        if (outOfTime(Duration.ZERO)) {
          return end(PassReport.StopReason.DEADLINE, Optional.empty());
        }
        hold.ifPresent(ClusterLease.Hold::keep);
        Iteration it;
        try {
          it = iterate();
          faultsInARow = 0;
        } catch (AwsFault e) {
          log.fault(e);
          if (!e.kind().isTransient()) {
            return end(PassReport.StopReason.ERROR, Optional.of(e.getMessage()));
          }
          // Throttling, a 5xx or a time-out is no verdict on anything: wait, then look again.
          faultsInARow++;
          Duration pause = backoff(faultsInARow);
          if (outOfTime(pause)) {
            // The faults are in the report; the next pass looks again.
            return end(PassReport.StopReason.DEADLINE, Optional.empty());
          }
          rest(pause);
          continue;
        }
        if (it.end().isPresent()) {
          return end(it.end().get(), it.error());
        }
        if (it.changed() && withoutWait < MAX_ITERATIONS_WITHOUT_WAIT) {
          withoutWait++;
          continue;
        }
        withoutWait = 0;
        // Host commands answer within seconds: while one that keeps an instance out of service
        // is awaited, look again sooner.
        Duration pause =
            observer.awaitingUrgentReplies()
                    && s.commandPollInterval().compareTo(s.pollInterval()) < 0
                ? s.commandPollInterval()
                : s.pollInterval();
        if (outOfTime(pause)) {
          return end(PassReport.StopReason.DEADLINE, Optional.empty());
        }
        rest(pause);
      }
    }

    /**
     * What one observation led to: whether anything changed, whether the pass ends here, and the
     * error it ends with.
     */
    private record Iteration(
        boolean changed, Optional<PassReport.StopReason> end, Optional<String> error) {
      Iteration(boolean changed, Optional<PassReport.StopReason> end) {
        this(changed, end, Optional.empty());
      }

      /**
       * A pass whose rollout gates found their configuration unusable (an alarm or calendar that
       * does not exist, one the role may not read) ends with an error once nothing more moves: the
       * gates held every new start, work under way finished, and the invocation fails so that the
       * operator hears of it.
       */
      Iteration failingOn(List<String> problems) {
        if (problems.isEmpty()
            || end.filter(
                    e -> e == PassReport.StopReason.SETTLED || e == PassReport.StopReason.PLANNED)
                .isEmpty()) {
          return this;
        }
        return new Iteration(
            changed,
            Optional.of(PassReport.StopReason.ERROR),
            Optional.of(String.join("; ", problems)));
      }
    }

    /** Observes, plans and carries the plan out once. */
    private Iteration iterate() {
      Observation o = observer.observe();
      Planner.Plan plan = observer.planWithData(o);
      log.planned(plan);
      boolean changed = executor.execute(plan, o);
      executor.recordCheck();
      log.flush();
      if (outOfTime(Duration.ZERO)) {
        return new Iteration(changed, Optional.of(PassReport.StopReason.DEADLINE));
      }
      List<String> problems = plan.cluster().rollout().problems();
      if (options.dryRun()) {
        boolean wouldChange = plan.decisions().stream().anyMatch(Decision::changesState);
        return new Iteration(
                false,
                wouldChange || !observer.awaitingReplies()
                    ? Optional.of(PassReport.StopReason.PLANNED)
                    : Optional.empty())
            .failingOn(problems);
      }
      boolean waiting = observer.awaitingReplies() || hasActiveWork(o);
      return new Iteration(
              changed,
              !changed && !waiting ? Optional.of(PassReport.StopReason.SETTLED) : Optional.empty())
          .failingOn(problems);
    }

    /**
     * The wait after the {@code n}-th failed observation in a row: POLL_INTERVAL doubled each time,
     * at most eight times POLL_INTERVAL, with a random part so that passes over several clusters do
     * not retry in step.
     */
    private Duration backoff(int n) {
      Duration base = s.pollInterval().multipliedBy(1L << Math.min(n - 1, 3));
      double share = 0.5 + 0.5 * jitter.nextDouble();
      return Duration.ofNanos((long) (base.toNanos() * share));
    }

    /** Whether less than DEADLINE_MARGIN would be left after {@code wait}. */
    private boolean outOfTime(Duration wait) {
      return deadline.remaining().minus(wait).compareTo(s.deadlineMargin()) <= 0;
    }

    /** Whether an update is under way that moves on by itself (not one waiting for a gate). */
    private boolean hasActiveWork(Observation o) {
      for (InstanceView v : o.instances()) {
        if (v.phase().isEmpty() || v.unreadable().isPresent()) {
          continue;
        }
        boolean stuck =
            v.failure().filter(f -> f.reason().countsAgainstBudget()).isPresent()
                && !v.instance().agentConnected();
        if (v.phase().get().movesByItself() && !(v.phase().get().watchesAgent() && stuck)) {
          return true;
        }
      }
      return false;
    }
  }
}
