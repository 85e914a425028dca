package io.github.bottlerocket.ecsupdater.app;

import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.engine.run.Reconciler;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs the passes one request asks for, one cluster after another, sharing the time left: each
 * cluster gets an equal part of what remains when its turn comes, but never less than a pass needs
 * to send an update check and wait for its replies ({@code CHECK_TIMEOUT} and {@code
 * DEADLINE_MARGIN}, and a poll). A plain equal share left the first clusters of six or more too
 * little time for any check, pass after pass. With a fan-out queue the stack gives every cluster an
 * invocation of its own instead ({@code FAN_OUT_QUEUE}).
 *
 * <p>A cluster gets one pass per request, however the request names it: two names that
 * DescribeClusters resolves to one ARN (a name and the cluster's ARN) are one cluster, and the
 * second is left out with a note. Two passes over one cluster in one request could each count the
 * other's drain as someone else's and start more than MAX_CONCURRENT between them.
 */
public final class Updater {
  private final Reconciler reconciler;
  private final EcsPort ecs;
  private final PassListener listener;
  private final Clock clock;
  private final Duration leastShare;

  /**
   * What one request did.
   *
   * @param reports one per cluster that had a pass, in the request's order
   * @param notes what the request asked that was not done as written, e.g. a cluster named twice
   */
  public record Run(List<PassReport> reports, List<String> notes) {
    public Run {
      reports = List.copyOf(reports);
      notes = List.copyOf(notes);
    }
  }

  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      AutoScalingPort autoScaling,
      CloudWatchPort cloudWatch,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this.reconciler =
        new Reconciler(
            ecs, ssm, autoScaling, cloudWatch, settings, clock, sleeper, listener, runIds);
    this.ecs = ecs;
    this.listener = listener;
    this.clock = clock;
    this.leastShare =
        settings.checkTimeout().plus(settings.deadlineMargin()).plus(settings.pollInterval());
  }

  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      AutoScalingPort autoScaling,
      CloudWatchPort cloudWatch,
      Clock clock,
      Sleeper sleeper,
      PassListener listener) {
    this(
        settings,
        ecs,
        ssm,
        autoScaling,
        cloudWatch,
        clock,
        sleeper,
        listener,
        () -> UUID.randomUUID().toString());
  }

  /** Without alarms to read. */
  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      AutoScalingPort autoScaling,
      Clock clock,
      Sleeper sleeper,
      PassListener listener) {
    this(settings, ecs, ssm, autoScaling, CloudWatchPort.UNAVAILABLE, clock, sleeper, listener);
  }

  /** Without Auto Scaling: no instance belongs to a group. */
  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      CloudWatchPort cloudWatch,
      Clock clock,
      Sleeper sleeper,
      PassListener listener) {
    this(settings, ecs, ssm, AutoScalingPort.NO_GROUPS, cloudWatch, clock, sleeper, listener);
  }

  /** Without Auto Scaling and without alarms to read. */
  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this(
        settings,
        ecs,
        ssm,
        AutoScalingPort.NO_GROUPS,
        CloudWatchPort.UNAVAILABLE,
        clock,
        sleeper,
        listener,
        runIds);
  }

  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      Clock clock,
      Sleeper sleeper,
      PassListener listener) {
    this(settings, ecs, ssm, CloudWatchPort.UNAVAILABLE, clock, sleeper, listener);
  }

  /** Runs a pass over every cluster in {@code invocation}, once per cluster, without a lease. */
  public Run run(Invocation invocation, Deadline deadline) {
    return run(invocation, deadline, ClusterLease.NONE);
  }

  /**
   * Runs a pass over every cluster in {@code invocation}, once per cluster; every pass that may
   * change its cluster claims its lease from {@code lease} first.
   */
  public Run run(Invocation invocation, Deadline deadline, ClusterLease lease) {
    List<PassReport> reports = new ArrayList<>();
    List<String> notes = new ArrayList<>(invocation.notes());
    // Every cluster passed over so far, by the ARN its pass reported, with the request's name.
    Map<String, String> passed = new LinkedHashMap<>();
    List<String> clusters = invocation.clusters();
    for (int i = 0; i < clusters.size(); i++) {
      String ref = clusters.get(i);
      Optional<String> same = passedAs(ref, passed);
      if (same.isPresent()) {
        String first = passed.get(same.get());
        notes.add(
            "clusters "
                + Echo.quote(first)
                + " and "
                + Echo.quote(ref)
                + " are one cluster"
                + (first.equals(same.get()) ? "" : ", " + same.get())
                + "; it gets one pass");
        continue;
      }
      Duration even = deadline.remaining().dividedBy(clusters.size() - i);
      Duration share = even.compareTo(leastShare) < 0 ? leastShare : even;
      Instant start = clock.instant();
      Deadline mine =
          () -> {
            Duration own = share.minus(Duration.between(start, clock.instant()));
            Duration all = deadline.remaining();
            return own.compareTo(all) < 0 ? own : all;
          };
      PassReport report = reconciler.run(ref, invocation.options(), mine, lease);
      reports.add(report);
      passed.putIfAbsent(report.clusterArn(), ref);
    }
    for (String note : notes) {
      try {
        listener.noted(note);
      } catch (RuntimeException e) {
        // A listener never stops a run; the note is in the reply as well.
      }
    }
    return new Run(reports, notes);
  }

  /**
   * The ARN of an earlier pass that {@code ref} names as well, if any. A name is looked up (one
   * DescribeClusters) only when an earlier pass's ARN ends in that name, the one case where a name
   * and an ARN of the request can be one cluster.
   */
  private Optional<String> passedAs(String ref, Map<String, String> passed) {
    if (passed.containsKey(ref)) {
      return Optional.of(ref);
    }
    if (ref.startsWith("arn:")
        || passed.keySet().stream().noneMatch(arn -> arn.endsWith(":cluster/" + ref))) {
      return Optional.empty();
    }
    try {
      String arn = ecs.describeCluster(ref).arn();
      return passed.containsKey(arn) ? Optional.of(arn) : Optional.empty();
    } catch (AwsFault e) {
      // Its own pass reports the fault.
      return Optional.empty();
    }
  }
}
