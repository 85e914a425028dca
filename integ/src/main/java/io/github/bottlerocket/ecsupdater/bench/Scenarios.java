package io.github.bottlerocket.ecsupdater.bench;

import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import io.github.bottlerocket.ecsupdater.sim.EventFeed;
import io.github.bottlerocket.ecsupdater.sim.Faults;
import io.github.bottlerocket.ecsupdater.sim.SimulatedCluster;
import io.github.bottlerocket.ecsupdater.sim.Simulation;
import io.github.bottlerocket.ecsupdater.sim.Timing;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The runs the benchmark measures: the real Lambda handler, invoked as the schedule would invoke
 * it, against a simulated cluster whose hosts take the configured times.
 */
final class Scenarios {
  static final String OLD = "1.20.0";
  static final String NEW = "1.20.1";
  static final String CLUSTER = "bench";

  /** The deployed schedule, {@code rate(15 minutes)}, and the function's 15-minute timeout. */
  static final Duration SCHEDULE = Duration.ofMinutes(15);

  static final Duration FUNCTION_TIMEOUT = Duration.ofMinutes(15);

  static final String SCHEDULE_PAYLOAD = "{\"clusters\":[\"" + CLUSTER + "\"]}";

  /**
   * Between passes, how far time moves before the events are looked at again: an event that can
   * wake the function starts its pass at most this late (EventBridge delivers within about a
   * second).
   */
  static final Duration EVENT_STEP = Duration.ofSeconds(1);

  /** The simulated host times the benchmark varies; the rest are the simulation's defaults. */
  record HostTimes(Duration drain, Duration download, Duration reboot) {
    /** Drain, download and reboot as simulation timings. */
    Timing timing() {
      Timing d = Timing.defaults();
      Duration boot = reboot.minus(d.shutdown()).minus(d.agentReconnect());
      if (!boot.isPositive()) {
        throw new IllegalArgumentException(
            "--reboot must be longer than the shutdown and the agent reconnect ("
                + d.shutdown().plus(d.agentReconnect()).toSeconds()
                + "s)");
      }
      return new Timing(
          d.ssmRegistration(),
          d.ssmDelivery(),
          d.ssmExecution(),
          download,
          d.activation(),
          d.shutdown(),
          boot,
          d.failedBootExtra(),
          d.agentReconnect(),
          d.taskStart(),
          d.taskStop());
    }

    /**
     * The drain as the simulation makes it: a replacement task starts (taskStart), then the old
     * task stops (taskStop plus this extra time, a load balancer's deregistration delay).
     */
    Duration extraStopTime() {
      Timing d = Timing.defaults();
      Duration extra = drain.minus(d.taskStart()).minus(d.taskStop());
      if (extra.isNegative()) {
        throw new IllegalArgumentException(
            "--drain must be at least "
                + d.taskStart().plus(d.taskStop()).toSeconds()
                + "s (a replacement task starts, then the old one stops)");
      }
      return extra;
    }

    /** The time an instance must be out of service: its drain, then its reboot. */
    Duration floor() {
      return drain.plus(reboot);
    }
  }

  private Scenarios() {}

  /**
   * The updater's defaults for every setting the simulation's tests scale down (POLL_INTERVAL 15s,
   * CHECK_INTERVAL 1h, ...), with {@code MAX_CONCURRENT} as given.
   */
  static Map<String, String> realisticSettings(int maxConcurrent) {
    Map<String, String> m = new HashMap<>();
    for (String key : Simulation.SETTINGS.keySet()) {
      m.put(key, Setting.valueOf(key).defaultValue());
    }
    m.put(Setting.MAX_CONCURRENT.key(), Integer.toString(maxConcurrent));
    return m;
  }

  /**
   * {@code n} Bottlerocket hosts on {@link #OLD}, one task of a replica service on each, and {@link
   * #NEW} published when {@code updateAvailable}.
   */
  static ClusterSpec cluster(int n, boolean updateAvailable) {
    ClusterSpec spec = ClusterSpec.named(CLUSTER).withRelease(OLD);
    if (updateAvailable) {
      spec = spec.withRelease(NEW);
    }
    for (int i = 1; i <= n; i++) {
      spec = spec.withHost(HostSpec.bottlerocket(String.format("br-%04d", i), OLD));
    }
    return spec.withService(ServiceSpec.replica("web", n, 512, 1024));
  }

  /** What one rollout showed. */
  record Rollout(
      int instances,
      int maxConcurrent,
      int updated,
      List<Timeline.OutOfService> stretches,
      int downloadsBeforeDrain,
      Duration makespan,
      Duration firstDrainToLastActive,
      Map<String, Long> calls,
      int invocations,
      int eventInvocations,
      int invariantViolations,
      long wallMillis) {}

  /**
   * Runs the schedule until {@code stopAfter} instances are back ACTIVE after their update (all of
   * them when it is {@code n}); the invocation that reaches it is cut off there, so calls made
   * after it are not counted.
   */
  static Rollout rollout(int n, int maxConcurrent, HostTimes times, int stopAfter) {
    return rollout(n, maxConcurrent, times, stopAfter, Map.of(), true);
  }

  /**
   * As {@link #rollout(int, int, HostTimes, int)}, with some settings changed.
   *
   * @param ecsEvents whether the stack's ECS event rule delivers its events (as deployed by
   *     default), or passes start on the schedule only
   */
  static Rollout rollout(
      int n,
      int maxConcurrent,
      HostTimes times,
      int stopAfter,
      Map<String, String> settings,
      boolean ecsEvents) {
    long wallStart = System.nanoTime();
    Faults faults = Faults.none(2025).withExtraStopTime(times.extraStopTime());
    Map<String, String> env = realisticSettings(maxConcurrent);
    env.putAll(settings);
    try (Simulation sim = Simulation.start(cluster(n, true), faults, times.timing(), env)) {
      Timeline timeline = new Timeline();
      sim.cluster().addObserver(timeline);
      AwsClients clients = sim.newClients();
      UpdaterHandler handler =
          new UpdaterHandler(sim.env(), clients, sim.clock(), sim.sleeper(), silent());
      Instant start = sim.clock().instant();
      EventFeed.Inbox inbox = sim.cluster().events().inbox();
      AsyncInvocations lambda = new AsyncInvocations();
      int invocations = 0;
      int ticks = 0;
      int maxInvocations = (int) (n * 200L / maxConcurrent) + 10;
      while (timeline.completed() < stopAfter && invocations < maxInvocations) {
        Instant now = sim.clock().instant();
        while (!start.plus(SCHEDULE.multipliedBy(ticks)).isAfter(now)) {
          lambda.tick(SCHEDULE_PAYLOAD, start.plus(SCHEDULE.multipliedBy(ticks)));
          ticks++;
        }
        for (EventFeed.Event e : inbox.drain()) {
          lambda.event(e, sim.cluster().arn(), ecsEvents);
        }
        Optional<AsyncInvocations.Attempt> next = lambda.next(now);
        if (next.isPresent() && !next.get().at().isAfter(now)) {
          lambda.started(next.get());
          invocations++;
          sim.invoke(
              handler,
              next.get().invocation().payload(),
              FUNCTION_TIMEOUT,
              () -> timeline.completed() >= stopAfter);
          continue;
        }
        // Nothing runs: time moves on to the next attempt or tick, one second at a time while
        // the cluster could emit an event that wakes the function (an instance is DRAINING).
        Instant until = start.plus(SCHEDULE.multipliedBy(ticks));
        if (next.isPresent() && next.get().at().isBefore(until)) {
          until = next.get().at();
        }
        if (ecsEvents && lambda.anyDraining() && now.plus(EVENT_STEP).isBefore(until)) {
          until = now.plus(EVENT_STEP);
        }
        sim.advance(Duration.between(now, until));
      }
      clients.close();
      Map<String, Long> calls = new TreeMap<>(sim.endpoint().calls());
      sim.assertSimulatorHealthy();
      List<Timeline.OutOfService> stretches = timeline.stretches();
      int updated = 0;
      int downloadsFirst = 0;
      for (SimulatedCluster.InstanceState s : sim.cluster().instanceStates()) {
        if (s.version().equals(NEW) && s.status().equals("ACTIVE")) {
          updated++;
        }
        var drained = timeline.firstDrain(s.name());
        var download = timeline.downloadStart(s.name());
        if (drained.isPresent()
            && download.isPresent()
            && !download.get().plus(times.download()).isAfter(drained.get())) {
          downloadsFirst++;
        }
      }
      Instant firstDrain =
          stretches.stream()
              .map(Timeline.OutOfService::drained)
              .min(Instant::compareTo)
              .orElse(start);
      Instant lastActive =
          stretches.stream()
              .map(Timeline.OutOfService::activated)
              .max(Instant::compareTo)
              .orElse(start);
      return new Rollout(
          n,
          maxConcurrent,
          updated,
          stretches,
          downloadsFirst,
          Duration.between(start, lastActive),
          Duration.between(firstDrain, lastActive),
          calls,
          invocations,
          lambda.eventsDelivered(),
          sim.invariants().violations().size(),
          (System.nanoTime() - wallStart) / 1_000_000);
    }
  }

  /** The calls of one pass, and how long it took on this machine. */
  record Pass(Map<String, Long> calls, long wallMillis, Duration simulated, String stopReason) {}

  /** The largest latency of one call in the AWS-like run: each call takes up to this, uniformly. */
  static final Duration AWS_LIKE_LATENCY = Duration.ofMillis(60);

  /** An idle cluster (no update published): a pass with a check due, then one without. */
  static List<Pass> idlePasses(int n, HostTimes times) {
    try (Simulation sim =
        Simulation.start(
            cluster(n, false), Faults.none(2025), times.timing(), realisticSettings(1))) {
      AwsClients clients = sim.newClients();
      UpdaterHandler handler =
          new UpdaterHandler(sim.env(), clients, sim.clock(), sim.sleeper(), silent());
      Pass due = measuredPass(sim, handler);
      Duration untilTick =
          SCHEDULE.minus(Duration.between(Simulation.START, sim.clock().instant()));
      if (untilTick.isPositive()) {
        sim.advance(untilTick);
      }
      Pass notDue = measuredPass(sim, handler);
      clients.close();
      sim.assertSimulatorHealthy();
      return List.of(due, notDue);
    }
  }

  /**
   * The pass with a check due of {@link #idlePasses(int, HostTimes)}, with every call taking up to
   * {@link #AWS_LIKE_LATENCY} of simulated time and container-instance and task reads throttled at
   * the ECS rate this page assumes ({@link Faults#ECS_INSTANCE_AND_TASK_READS}).
   */
  static Pass awsLikeCheckPass(int n, HostTimes times) {
    Faults faults =
        Faults.none(2025)
            .withLatency(AWS_LIKE_LATENCY)
            .withRateLimit(Faults.ECS_INSTANCE_AND_TASK_READS);
    try (Simulation sim =
        Simulation.start(cluster(n, false), faults, times.timing(), realisticSettings(1))) {
      AwsClients clients = sim.newClients();
      UpdaterHandler handler =
          new UpdaterHandler(sim.env(), clients, sim.clock(), sim.sleeper(), silent());
      Pass due = measuredPass(sim, handler);
      clients.close();
      sim.assertSimulatorHealthy();
      return due;
    }
  }

  private static Pass measuredPass(Simulation sim, UpdaterHandler handler) {
    Map<String, Long> before = sim.endpoint().calls();
    long t0 = System.nanoTime();
    Instant v0 = sim.clock().instant();
    String reply = sim.invoke(handler, SCHEDULE_PAYLOAD);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Duration simulated = Duration.between(v0, sim.clock().instant());
    Map<String, Long> after = sim.endpoint().calls();
    Map<String, Long> delta = new TreeMap<>();
    after.forEach(
        (op, count) -> {
          long d = count - before.getOrDefault(op, 0L);
          if (d > 0) {
            delta.put(op, d);
          }
        });
    String stop = reply.replaceAll("(?s).*\"stopReason\"\\s*:\\s*\"([A-Z_]+)\".*", "$1");
    return new Pass(delta, ms, simulated, stop.length() > 20 ? "?" : stop);
  }

  static PrintStream silent() {
    return new PrintStream(OutputStream.nullOutputStream());
  }
}
