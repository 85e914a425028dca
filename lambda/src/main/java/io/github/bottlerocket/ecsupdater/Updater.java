package io.github.bottlerocket.ecsupdater;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Reconciler;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.handler.Invocation;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs the passes one request asks for, one cluster after another, sharing the time left fairly:
 * each cluster gets an equal part of what remains when its turn comes.
 */
public final class Updater {
  private final Reconciler reconciler;
  private final Clock clock;

  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this.reconciler = new Reconciler(ecs, ssm, settings, clock, sleeper, listener, runIds);
    this.clock = clock;
  }

  public Updater(
      Settings settings,
      EcsPort ecs,
      SsmPort ssm,
      Clock clock,
      Sleeper sleeper,
      PassListener listener) {
    this(settings, ecs, ssm, clock, sleeper, listener, () -> UUID.randomUUID().toString());
  }

  /** Runs a pass over every cluster in {@code invocation}. */
  public List<PassReport> run(Invocation invocation, Deadline deadline) {
    List<PassReport> reports = new ArrayList<>();
    List<String> clusters = invocation.clusters();
    for (int i = 0; i < clusters.size(); i++) {
      Duration share = deadline.remaining().dividedBy(clusters.size() - i);
      Instant start = clock.instant();
      Deadline mine =
          () -> {
            Duration own = share.minus(Duration.between(start, clock.instant()));
            Duration all = deadline.remaining();
            return own.compareTo(all) < 0 ? own : all;
          };
      reports.add(reconciler.run(clusters.get(i), invocation.options(), mine));
    }
    return reports;
  }
}
