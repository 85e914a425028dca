package io.github.bottlerocket.ecsupdater.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import io.github.bottlerocket.ecsupdater.sim.Faults;
import io.github.bottlerocket.ecsupdater.sim.Simulation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A rollout over several clusters at once, as the fan-out queue runs them (one invocation per
 * cluster, each with its own {@code MAX_CONCURRENT}), against the same rollout of one cluster
 * alone; and the lease's DynamoDB calls per pass.
 *
 * <p>Each cluster is a simulation of its own (endpoint, virtual clock, invariants) on a thread of
 * its own, so the clusters share nothing but the machine: that is what separate clusters share in
 * AWS too, apart from the account's API rate limits, which this leaves out. A cluster's makespan is
 * its virtual time from the first tick until every host is current; the fleet's is the longest.
 *
 * <p>Run: {@code ./mvnw -B -ntp -q -Pbenchmark -DskipTests -pl integ -am package
 * -Dbenchmark.main=io.github.bottlerocket.ecsupdater.bench.Fleet}.
 */
public final class Fleet {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OLD = "1.20.0";
  private static final String NEW = "1.20.1";
  private static final String TICK = "{\"clusters\":[\"fleet\"]}";
  private static final Duration TICK_INTERVAL = Duration.ofMinutes(2);

  private Fleet() {}

  /** One cluster's rollout. */
  public record Rollout(
      int maxConcurrent,
      int hosts,
      int passes,
      Duration makespan,
      Map<String, Long> leaseCalls,
      List<String> violations,
      boolean converged) {}

  /** A cluster of {@code hosts} outdated hosts and a service that fits on one host fewer. */
  public static ClusterSpec cluster(int hosts) {
    ClusterSpec spec = ClusterSpec.named("fleet").withRelease(OLD).withRelease(NEW);
    for (int i = 1; i <= hosts; i++) {
      spec = spec.withHost(HostSpec.bottlerocket("br-" + i, OLD));
    }
    return spec.withService(ServiceSpec.replica("web", hosts, 256, 512));
  }

  /** Updates one cluster through the handler, one invocation per tick, under the lease. */
  public static Rollout rollout(int hosts, int maxConcurrent, long seed) {
    Map<String, String> settings =
        Map.of(
            "MAX_CONCURRENT",
            Integer.toString(maxConcurrent),
            "LEASE_TABLE",
            "leases",
            "EVENT_BUS",
            "none");
    try (Simulation sim = Simulation.start(cluster(hosts), Faults.none(seed), settings)) {
      sim.cluster().dynamoDb().createTable("leases", "clusterArn");
      sim.invariants().requireLease("leases");
      PrintStream quiet =
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      UpdaterHandler handler = sim.newHandler(quiet);
      java.time.Instant start = sim.clock().instant();
      int passes = 0;
      boolean converged = false;
      while (passes < 200 && !converged) {
        passes++;
        JsonNode reply = read(sim.invoke(handler, TICK));
        converged = settled(reply);
        if (!converged) {
          sim.advance(TICK_INTERVAL);
        }
      }
      Duration makespan = Duration.between(start, sim.clock().instant());
      Map<String, Long> lease = new TreeMap<>();
      sim.endpoint()
          .calls()
          .forEach(
              (k, v) -> {
                if (k.startsWith("dynamodb:")) {
                  lease.put(k, v);
                }
              });
      sim.invariants().checkConverged(sim.cluster(), Set.of());
      List<String> violations =
          sim.invariants().violations().stream().map(Object::toString).toList();
      return new Rollout(maxConcurrent, hosts, passes, makespan, lease, violations, converged);
    }
  }

  /** Rolls out {@code clusters} clusters at once, cluster i with {@code maxConcurrent[i]}. */
  public static List<Rollout> parallel(int hosts, int[] maxConcurrent, long seed) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(maxConcurrent.length);
    try {
      List<Future<Rollout>> running = new ArrayList<>();
      for (int i = 0; i < maxConcurrent.length; i++) {
        int m = maxConcurrent[i];
        long s = seed + i;
        running.add(threads.submit(() -> rollout(hosts, m, s)));
      }
      List<Rollout> done = new ArrayList<>();
      for (Future<Rollout> f : running) {
        done.add(f.get());
      }
      return done;
    } finally {
      threads.shutdownNow();
    }
  }

  private static boolean settled(JsonNode reply) {
    JsonNode report = reply.path("reports").path(0);
    if (!report.path("stopReason").asText().equals("SETTLED")) {
      return false;
    }
    for (JsonNode i : report.path("instances")) {
      if (!Set.of("UP_TO_DATE", "SKIPPED", "FAILED").contains(i.path("outcome").asText())) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    int hosts = 6;
    Rollout alone = rollout(hosts, 1, 900);
    long wall = System.nanoTime();
    List<Rollout> four = parallel(hosts, new int[] {1, 2, 1, 3}, 910);
    Duration fourWall = Duration.ofNanos(System.nanoTime() - wall);
    PrintStream out = System.out;
    out.println("| run | MAX_CONCURRENT | hosts | passes | makespan (simulated) | lease calls |");
    out.println("|---|---:|---:|---:|---:|---|");
    out.println(row("one cluster alone", alone));
    for (int i = 0; i < four.size(); i++) {
      out.println(row("cluster " + (i + 1) + " of 4, in parallel", four.get(i)));
    }
    Duration fleet = four.stream().map(Rollout::makespan).max(Duration::compareTo).orElseThrow();
    out.println();
    out.println(
        "fleet makespan (the longest of the four): "
            + fleet.toMinutes()
            + " min; one cluster alone with MAX_CONCURRENT 1: "
            + alone.makespan().toMinutes()
            + " min; four one after another would take "
            + four.stream().mapToLong(r -> r.makespan().toMinutes()).sum()
            + " min; real time for the four: "
            + fourWall.toSeconds()
            + " s");
    for (Rollout r : four) {
      if (!r.converged() || !r.violations().isEmpty()) {
        out.println("NOT CONVERGED OR UNSAFE: " + r);
      }
    }
  }

  private static String row(String name, Rollout r) {
    long passes = r.passes();
    StringBuilder calls = new StringBuilder();
    r.leaseCalls()
        .forEach(
            (k, v) ->
                calls
                    .append(calls.length() == 0 ? "" : ", ")
                    .append(k.substring("dynamodb:".length()))
                    .append(' ')
                    .append(v)
                    .append(String.format(" (%.1f/pass)", (double) v / passes)));
    return "| "
        + name
        + " | "
        + r.maxConcurrent()
        + " | "
        + r.hosts()
        + " | "
        + passes
        + " | "
        + r.makespan().toMinutes()
        + " min | "
        + calls
        + " |";
  }
}
