package io.github.bottlerocket.ecsupdater.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.app.ReportJson;
import io.github.bottlerocket.ecsupdater.app.Updater;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.ClusterStatus;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The runner's {@code --status}: for each cluster, a dry-run pass (no lease, no change) and a
 * consistent read of the cluster's lease, summarised as hosts by version and by phase, what holds
 * them back and why, and who is changing the cluster now.
 *
 * <p>What it reads per cluster: what a dry run reads (DescribeClusters, the container instances,
 * their tasks and services, the control parameter when set, and the Bottlerocket releases), one
 * DynamoDB GetItem when a lease table is known, and the read-only host commands a dry run sends (an
 * {@code apiclient update check} only to hosts whose last check is older than {@code
 * CHECK_INTERVAL}, and the status read of hosts with an update under way).
 */
final class FleetStatus {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Main.Options o;
  private final Settings settings;
  private final Updater updater;
  private final EcsPort ecs;
  private final LeasePort leases;
  private final Clock clock;
  private final PrintStream out;
  private final PrintStream err;

  FleetStatus(
      Main.Options o,
      Settings settings,
      Updater updater,
      EcsPort ecs,
      LeasePort leases,
      Clock clock,
      PrintStream out,
      PrintStream err) {
    this.o = o;
    this.settings = settings;
    this.updater = updater;
    this.ecs = ecs;
    this.leases = leases;
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  /** Prints every cluster's status; 0 when each could be read, 1 when one could not. */
  int run(List<String> clusters) {
    int code = Main.OK;
    ArrayNode all = MAPPER.createArrayNode();
    for (String cluster : clusters) {
      PassOptions dry = new PassOptions(true, o.ignoreWindow(), false, o.maxConcurrent());
      Invocation one =
          new Invocation(Invocation.Source.MANUAL, List.of(cluster), dry, Optional.empty());
      Deadline deadline = Deadline.at(clock.instant().plus(settings.maxPassDuration()), clock);
      PassReport r = updater.run(one, deadline, ClusterLease.NONE).reports().get(0);
      String lease = lease(r);
      if (r.error().isPresent()) {
        code = Main.PASS_FAILED;
        err.println("error: " + cluster + ": " + r.error().get());
      }
      if (o.json()) {
        ObjectNode n = ReportJson.report(r);
        n.put("leaseNow", lease);
        all.add(n);
      } else {
        out.print(render(r, lease));
      }
    }
    if (o.json()) {
      out.println(all.toPrettyString());
    }
    return code;
  }

  /** Who holds the cluster's lease now, in words; never fails the status. */
  private String lease(PassReport r) {
    Optional<String> table = o.leaseTable().or(settings::leaseTable);
    if (table.isEmpty()) {
      try {
        table =
            Optional.ofNullable(
                ecs.describeCluster(r.clusterArn()).tags().get(StateAttributes.LEASE_TABLE_TAG));
      } catch (AwsFault e) {
        return "unknown (" + e.getMessage() + ")";
      }
    }
    if (table.isEmpty()) {
      return "no lease table known (the cluster carries no tag "
          + StateAttributes.LEASE_TABLE_TAG
          + "; give --lease-table)";
    }
    try {
      Optional<LeasePort.Lease> l = leases.read(table.get(), r.clusterArn());
      if (l.isEmpty() || !l.get().expiresAt().isAfter(clock.instant())) {
        return "free (table " + table.get() + ")";
      }
      return "held by "
          + l.get().holder()
          + " (run "
          + l.get().owner()
          + ") until "
          + l.get().expiresAt()
          + " (table "
          + table.get()
          + ")";
    } catch (AwsFault e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** One cluster's summary. */
  static String render(PassReport r, String lease) {
    StringBuilder b = new StringBuilder();
    b.append("== ").append(r.clusterArn()).append('\n');
    b.append("  lease:     ").append(lease).append('\n');
    if (r.error().isPresent()) {
      b.append("  error:     ").append(Echo.cut(r.error().get())).append('\n');
      return b.toString();
    }
    Map<String, Integer> versions = new TreeMap<>();
    Map<String, Integer> phases = new TreeMap<>();
    Map<String, List<String>> held = new TreeMap<>();
    for (InstanceReport i : r.instances()) {
      String version =
          i.variant().isEmpty()
              ? "not Bottlerocket"
              : i.runningVersion().orElse("not checked in this pass")
                  + i.targetVersion().map(t -> " -> " + t).orElse("");
      versions.merge(version, 1, Integer::sum);
      phases.merge(i.phase().map(Enum::name).orElse("idle"), 1, Integer::sum);
      if (i.reason().isPresent()
          && i.outcome() != Outcome.UP_TO_DATE
          && i.outcome() != Outcome.UPDATED) {
        String why = i.outcome() + " " + i.reason().get().name();
        held.computeIfAbsent(why, k -> new ArrayList<>()).add(i.ec2InstanceId());
      }
    }
    b.append("  hosts:     ").append(r.instances().size()).append('\n');
    b.append("  versions:  ").append(counts(versions)).append('\n');
    b.append("  phases:    ").append(counts(phases)).append('\n');
    r.cluster().ifPresent(c -> b.append("  gates:     ").append(gates(c)).append('\n'));
    if (held.isEmpty()) {
      b.append("  held back: nothing\n");
    }
    held.forEach(
        (why, ids) ->
            b.append("  held back: ")
                .append(why)
                .append(": ")
                .append(String.join(", ", ids.subList(0, Math.min(10, ids.size()))))
                .append(ids.size() > 10 ? " and " + (ids.size() - 10) + " more" : "")
                .append('\n'));
    long next = r.transitions().size();
    b.append("  next pass: ")
        .append(next == 0 ? "no change planned" : next + " changes planned")
        .append('\n');
    return b.toString();
  }

  private static String counts(Map<String, Integer> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + " x" + v));
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static String gates(ClusterStatus c) {
    List<String> g = new ArrayList<>();
    if (c.stopped()) {
      g.add("stopped by the control parameter");
    }
    if (c.paused()) {
      g.add("paused");
    }
    if (!c.windowOpen()) {
      g.add(
          "maintenance window closed"
              + c.windowOpensAt().map(t -> " (opens " + t + ")").orElse(""));
    }
    if (c.circuitBreakerOpen()) {
      g.add("circuit breaker open (" + c.budgetFailures() + " of " + c.failureBudget() + ")");
    }
    g.add(c.outOfService() + " of " + c.maxConcurrent() + " out of service");
    return String.join("; ", g);
  }
}
