package io.github.bottlerocket.ecsupdater.cli;

import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.app.LeaseKeeper;
import io.github.bottlerocket.ecsupdater.app.ReportJson;
import io.github.bottlerocket.ecsupdater.app.Updater;
import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The runner's passes over one cluster: one, or with {@code --until-done} as many as successive
 * schedule ticks would make, each taking the cluster's lease; what they did decides the exit
 * status.
 */
final class Passes {
  private final Main.Options o;
  private final Settings settings;
  private final Updater updater;
  private final ClusterLease lease;
  private final Clock clock;
  private final Sleeper sleeper;
  private final PrintStream out;
  private final PrintStream err;

  Passes(
      Main.Options o,
      Settings settings,
      Updater updater,
      ClusterLease lease,
      Clock clock,
      Sleeper sleeper,
      PrintStream out,
      PrintStream err) {
    this.o = o;
    this.settings = settings;
    this.updater = updater;
    this.lease = lease;
    this.clock = clock;
    this.sleeper = sleeper;
    this.out = out;
    this.err = err;
  }

  /** Which lease table the runner's passes use, from its options and settings. */
  static LeaseKeeper.Tables tables(Main.Options o, Settings settings) {
    String hint =
        " To run without a lease, give --no-lease, but only when no other pass can run (set the"
            + " stack's control parameter to stop first).";
    if (o.noLease()) {
      return new LeaseKeeper.Tables(Optional.empty(), "--no-lease", true, "");
    }
    if (o.leaseTable().isPresent()) {
      return new LeaseKeeper.Tables(o.leaseTable(), "--lease-table", false, hint);
    }
    return new LeaseKeeper.Tables(settings.leaseTable(), "LEASE_TABLE", false, hint);
  }

  /** Where this runner runs, as its leases record it. */
  static String holder() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException | RuntimeException e) {
        host = "an unknown host";
      }
    }
    return "command-line runner "
        + System.getProperty("user.name", "?")
        + "@"
        + Echo.cut(host)
        + " (pid "
        + ProcessHandle.current().pid()
        + ")";
  }

  /** Runs the passes the options ask for over {@code clusters}; returns the exit status. */
  int run(List<String> clusters) {
    int passes = o.untilDone() ? o.maxPasses() : 1;
    PassReport last = null;
    for (int pass = 1; pass <= passes; pass++) {
      boolean checkNow = o.checkNow() || (o.untilDone() && pass > 1);
      PassOptions passOptions =
          new PassOptions(o.dryRun(), o.ignoreWindow(), checkNow, o.maxConcurrent());
      Invocation invocation =
          new Invocation(Invocation.Source.MANUAL, clusters, passOptions, Optional.empty());
      Deadline deadline = Deadline.at(clock.instant().plus(settings.maxPassDuration()), clock);
      last = updater.run(invocation, deadline, lease).reports().get(0);
      if (o.untilDone()) {
        out.println(passLine(pass, last));
      }
      if (last.stopReason() == PassReport.StopReason.CLUSTER_BUSY) {
        String busy = last.lease().map(LeaseKeeper::busy).orElse("the cluster is busy");
        if (!o.untilDone() || pass == passes) {
          err.println("busy: " + busy);
          return Main.CLUSTER_BUSY;
        }
        // The pass that holds the lease moves the cluster on; look again after a tick.
        out.println("busy: " + busy + "; trying again in " + Durations.format(o.tick()));
        try {
          sleeper.sleep(o.tick());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          err.println("busy: " + busy);
          return Main.CLUSTER_BUSY;
        }
        continue;
      }
      if (last.error().isPresent()) {
        printFinal(o, last, out);
        err.println("error: " + last.error().get());
        return Main.PASS_FAILED;
      }
      if (!o.untilDone() || o.dryRun()) {
        break;
      }
      if (settled(last)) {
        printFinal(o, last, out);
        out.println("Done: every instance is up to date, skipped or failed (" + pass + " passes).");
        return Main.OK;
      }
      if (pass > 1
          && last.stopReason() == PassReport.StopReason.SETTLED
          && last.transitions().isEmpty()) {
        printFinal(o, last, out);
        out.println("Stopped: nothing can move without a change (" + waitingReasons(last) + ").");
        return Main.NOT_CONVERGED;
      }
      if (pass < passes) {
        try {
          sleeper.sleep(o.tick());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    printFinal(o, last, out);
    if (o.untilDone() && !o.dryRun() && !settled(last)) {
      out.println(
          "Stopped after "
              + passes
              + " passes before every instance settled ("
              + waitingReasons(last)
              + ").");
      return Main.NOT_CONVERGED;
    }
    return Main.OK;
  }

  /** Every instance is up to date, skipped or failed: nothing more will happen by itself. */
  static boolean settled(PassReport report) {
    Set<Outcome> done = EnumSet.of(Outcome.UP_TO_DATE, Outcome.SKIPPED, Outcome.FAILED);
    return report.stopReason() != PassReport.StopReason.DEADLINE
        && report.instances().stream().allMatch(i -> done.contains(i.outcome()));
  }

  private static String waitingReasons(PassReport report) {
    List<String> reasons = new ArrayList<>();
    for (InstanceReport i : report.instances()) {
      if (i.outcome() == Outcome.WAITING
          || i.outcome() == Outcome.IN_PROGRESS
          || i.outcome() == Outcome.NOT_CHECKED) {
        String r =
            i.ec2InstanceId() + " " + i.outcome() + i.reason().map(x -> " " + x.name()).orElse("");
        if (!reasons.contains(r)) {
          reasons.add(r);
        }
      }
    }
    return reasons.isEmpty()
        ? "no reason reported"
        : String.join(", ", reasons.subList(0, Math.min(5, reasons.size())));
  }

  private static String passLine(int pass, PassReport r) {
    Map<Outcome, Integer> c = r.counts();
    return String.format(
        "-- pass %d: %s after %s, %d changes; updated %d, in progress %d, waiting %d, up to date %d, skipped %d, failed %d",
        pass,
        r.stopReason(),
        Durations.format(Duration.between(r.startedAt(), r.finishedAt())),
        r.transitions().size(),
        c.get(Outcome.UPDATED),
        c.get(Outcome.IN_PROGRESS),
        c.get(Outcome.WAITING),
        c.get(Outcome.UP_TO_DATE),
        c.get(Outcome.SKIPPED),
        c.get(Outcome.FAILED));
  }

  private static void printFinal(Main.Options o, PassReport report, PrintStream out) {
    if (o.json()) {
      out.println(ReportJson.report(report).toPrettyString());
    } else {
      out.print(ReportTable.render(report));
    }
  }
}
