package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.config.Settings;
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
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs reconcile passes: observes a cluster ({@link Observer}), lets the {@link Planner} decide,
 * carries the decisions out ({@link Executor}), and repeats while work is in flight and time is
 * left. What the pass did is kept in its {@link PassLog}.
 */
public final class Reconciler {
  /** Guards against a plan that keeps changing state without ever waiting. */
  private static final int MAX_ITERATIONS_WITHOUT_WAIT = 25;

  private final EcsPort ecs;
  private final SsmPort ssm;
  private final Settings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final PassListener listener;
  private final Supplier<String> runIds;

  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this.ecs = ecs;
    this.ssm = ssm;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    this.listener = listener;
    this.runIds = runIds;
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
    Settings effective =
        options.maxConcurrent().isPresent()
            ? settings.withMaxConcurrent(options.maxConcurrent().getAsInt())
            : settings;
    return new Pass(cluster, options, deadline, effective).run();
  }

  /** One pass: the loop. */
  private final class Pass {
    private final String clusterRef;
    private final PassOptions options;
    private final Deadline deadline;
    private final Settings s;
    private final String runId = runIds.get();
    private final Observer observer;
    private final PassLog log;
    private final Executor executor;

    Pass(String clusterRef, PassOptions options, Deadline deadline, Settings s) {
      this.clusterRef = clusterRef;
      this.options = options;
      this.deadline = deadline;
      this.s = s;
      this.observer = new Observer(ecs, ssm, clock, s, options);
      this.log = new PassLog(clusterRef, runId, options, clock.instant(), listener, clock);
      this.executor = new Executor(ecs, ssm, s, options, observer, log, deadline::remaining, runId);
    }

    PassReport run() {
      ClusterInfo cluster;
      try {
        cluster = observer.describeCluster(clusterRef);
      } catch (AwsFault e) {
        return log.finish(PassReport.StopReason.ERROR, Optional.of(e.getMessage()));
      }
      if (!s.allowedClusters().isEmpty()
          && !s.allowedClusters().contains(cluster.name())
          && !s.allowedClusters().contains(cluster.arn())) {
        return log.finish(
            PassReport.StopReason.ERROR,
            Optional.of(
                "cluster '"
                    + cluster.arn()
                    + "' is not in ALLOWED_CLUSTERS ("
                    + String.join(", ", s.allowedClusters())
                    + "); add it there or invoke with an allowed cluster"));
      }
      log.cluster(cluster);
      int withoutWait = 0;
      try {
        while (true) {
          if (outOfTime(Duration.ZERO)) {
            return log.finish(PassReport.StopReason.DEADLINE, Optional.empty());
          }
          Observation o = observer.observe();
          Planner.Plan plan = observer.planWithData(o);
          log.planned(plan);
          boolean changed = executor.execute(plan, o);
          executor.recordCheck();
          log.flush();
          if (outOfTime(Duration.ZERO)) {
            return log.finish(PassReport.StopReason.DEADLINE, Optional.empty());
          }
          boolean waiting = observer.awaitingReplies() || hasActiveWork(o);
          if (options.dryRun()) {
            boolean wouldChange = plan.decisions().stream().anyMatch(Decision::changesState);
            if (wouldChange || !observer.awaitingReplies()) {
              return log.finish(PassReport.StopReason.PLANNED, Optional.empty());
            }
          } else if (changed && withoutWait < MAX_ITERATIONS_WITHOUT_WAIT) {
            withoutWait++;
            continue;
          } else if (!changed && !waiting) {
            return log.finish(PassReport.StopReason.SETTLED, Optional.empty());
          }
          withoutWait = 0;
          // Host commands answer within seconds: while one is awaited, look again sooner.
          Duration pause =
              observer.awaitingReplies() && s.commandPollInterval().compareTo(s.pollInterval()) < 0
                  ? s.commandPollInterval()
                  : s.pollInterval();
          if (outOfTime(pause)) {
            return log.finish(PassReport.StopReason.DEADLINE, Optional.empty());
          }
          sleeper.sleep(pause);
        }
      } catch (AwsFault e) {
        return log.finish(PassReport.StopReason.ERROR, Optional.of(e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return log.finish(PassReport.StopReason.DEADLINE, Optional.of("interrupted"));
      }
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
