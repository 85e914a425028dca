package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.bench.Fleet;
import io.github.bottlerocket.ecsupdater.cli.Main;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-cluster lease through the real handler and runner: two passes started together never both
 * change the cluster, a pass that froze past its lease changes nothing when it wakes, and a lease
 * table that cannot be used stops every change and says why. Every scenario checks {@link
 * Invariants.Rule#CHANGE_WITHOUT_LEASE} after every change.
 *
 * <p>Two passes run on two real threads over one virtual clock. The first is held inside its first
 * wait (after it took the lease and made its first changes) until the second has finished, so the
 * overlap is certain rather than left to thread timing.
 */
class LeaseScenariosTest {
  private static final String TABLE = "leases";
  private static final Map<String, String> LEASED =
      Map.of("LEASE_TABLE", TABLE, "LEASE_DURATION", "1m");
  private static final String EVENT =
      "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
          + "\"detail\":{\"clusterArn\":\"arn:aws:ecs:us-east-1:123456789012:cluster/demo\","
          // An instance the updater is updating: only such an event starts a pass.
          + "\"attributes\":[{\"name\":\"bottlerocket-ecs-updater.state\"}]}}";
  private static final List<String> CHANGES =
      List.of(
          "ecs:PutAttributes",
          "ecs:DeleteAttributes",
          "ecs:UpdateContainerInstancesState",
          "ecs:TagResource");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ExecutorService threads = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  /** Where a pass starts. */
  enum Start {
    SCHEDULE,
    MANUAL_INVOKE,
    ECS_EVENT,
    RUNNER
  }

  /** What a pass ended with: its stop reason (or the runner's exit status) and what it printed. */
  record Ended(String stop, String text) {}

  /** Holds the pass in its first wait until released. */
  static final class Freezer implements Sleeper {
    final CountDownLatch frozen = new CountDownLatch(1);
    final CountDownLatch thaw = new CountDownLatch(1);
    private final Sleeper inner;
    private boolean first = true;

    Freezer(Sleeper inner) {
      this.inner = inner;
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
      if (first) {
        first = false;
        frozen.countDown();
        if (!thaw.await(2, TimeUnit.MINUTES)) {
          throw new IllegalStateException("never thawed");
        }
      }
      inner.sleep(d);
    }
  }

  private static Ended run(Scenario s, Start start, Sleeper sleeper, Map<String, String> env) {
    return switch (start) {
      case SCHEDULE -> invoke(s, Scenario.SCHEDULED, sleeper, env);
      case MANUAL_INVOKE -> invoke(s, Scenario.MANUAL, sleeper, env);
      case ECS_EVENT -> invoke(s, EVENT, sleeper, env);
      case RUNNER -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The runner is not configured with the table: it finds it in the cluster's tag, or is
        // told with --lease-table when it comes first.
        Map<String, String> own = new HashMap<>(env);
        own.remove("LEASE_TABLE");
        boolean tagged;
        synchronized (s.sim.cluster()) {
          tagged = s.sim.cluster().tags.containsKey("bottlerocket-ecs-updater:lease-table");
        }
        String[] args =
            tagged
                ? new String[] {"--cluster", "demo"}
                : new String[] {"--cluster", "demo", "--lease-table", TABLE};
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code =
            Main.run(args, own, print, print, s.sim.clock(), sleeper, o -> s.sim.newClients());
        yield new Ended("exit " + code, out.toString(StandardCharsets.UTF_8));
      }
    };
  }

  private static Ended invoke(
      Scenario s, String payload, Sleeper sleeper, Map<String, String> env) {
    UpdaterHandler handler =
        new UpdaterHandler(
            env,
            s.sim.newClients(),
            s.sim.clock(),
            sleeper,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(
          new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)),
          out,
          new SimulatedLambdaContext(s.sim.clock(), Duration.ofMinutes(15), () -> false));
    } catch (UpdaterHandler.PassFailedException e) {
      // The reply carries the error.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String body = out.toString(StandardCharsets.UTF_8);
    try {
      JsonNode report = MAPPER.readTree(body).path("reports").path(0);
      return new Ended(report.path("stopReason").asText(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Scenario leased(long seed, Faults faults) {
    Scenario s = Scenario.start(Clusters.small(), faults, LEASED);
    s.sim.cluster().dynamoDb().createTable(TABLE, "clusterArn");
    s.sim.invariants().requireLease(TABLE);
    return s;
  }

  private static long changes(Scenario s) {
    Map<String, Long> calls = s.sim.endpoint().calls();
    long n = 0;
    for (String op : CHANGES) {
      n += calls.getOrDefault(op, 0L);
    }
    return n + s.sim.cluster().hostCommandsSent().stream().filter(c -> isChange(c)).count();
  }

  private static boolean isChange(String hostCommand) {
    return !hostCommand.endsWith(":CHECK") && !hostCommand.endsWith(":STATUS");
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of(Start.SCHEDULE, Start.MANUAL_INVOKE, "function"),
        Arguments.of(Start.ECS_EVENT, Start.ECS_EVENT, "function"),
        Arguments.of(Start.SCHEDULE, Start.RUNNER, "function"),
        Arguments.of(Start.RUNNER, Start.SCHEDULE, "command-line runner"));
  }

  @ParameterizedTest(name = "{0} holds the cluster, {1} started meanwhile changes nothing")
  @MethodSource("pairs")
  void twoPassesStartedTogetherNeverBothChangeTheCluster(Start first, Start second, String holder)
      throws Exception {
    try (Scenario s = leased(81, Faults.none(81))) {
      Freezer freezer = new Freezer(s.sim.sleeper());
      Future<Ended> holding = threads.submit(() -> run(s, first, freezer, s.sim.env()));
      assertThat(freezer.frozen.await(2, TimeUnit.MINUTES)).as("the first pass waits").isTrue();
      long before = changes(s);
      assertThat(before).as("the first pass changed the cluster").isPositive();

      Ended busy = run(s, second, s.sim.sleeper(), s.sim.env());

      assertThat(changes(s)).as("changes while the second pass ran").isEqualTo(before);
      assertThat(busy.stop()).isIn("CLUSTER_BUSY", "exit 4");
      assertThat(busy.text()).contains(holder).contains("nothing was changed");
      freezer.thaw.countDown();
      Ended held = holding.get(2, TimeUnit.MINUTES);
      assertThat(held.stop()).isIn("SETTLED", "DEADLINE", "exit 0");

      s.invokeUntilSettled(Scenario.SCHEDULED);
      assertThat(s.sim.cluster().dynamoDb().item(TABLE, s.sim.cluster().arn()))
          .as("every pass gave its lease back")
          .isEmpty();
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void aPassFrozenPastItsLeaseChangesNothingWhenItWakesAndTheNextPassContinues() throws Exception {
    try (Scenario s = leased(82, Faults.none(82))) {
      Freezer freezer = new Freezer(s.sim.sleeper());
      Future<Ended> frozen = threads.submit(() -> run(s, Start.SCHEDULE, freezer, s.sim.env()));
      assertThat(freezer.frozen.await(2, TimeUnit.MINUTES)).isTrue();

      // While its lease lasts, nobody else gets in.
      assertThat(run(s, Start.MANUAL_INVOKE, s.sim.sleeper(), s.sim.env()).stop())
          .isEqualTo("CLUSTER_BUSY");
      // As after a crash: the lease lapses, and the next pass takes it over and goes on.
      s.sim.advance(Duration.ofMinutes(2));
      // A short pass, so that the frozen one wakes well before its own deadline.
      Map<String, String> shortPass = new HashMap<>(s.sim.env());
      shortPass.put("MAX_PASS_DURATION", "2m");
      Ended next = run(s, Start.SCHEDULE, s.sim.sleeper(), shortPass);
      assertThat(next.stop()).isIn("SETTLED", "DEADLINE");
      long before = changes(s);

      freezer.thaw.countDown();
      Ended woke = frozen.get(2, TimeUnit.MINUTES);

      // It finds the lease gone (the next pass gave it back) or another's, and stops.
      assertThat(woke.stop()).isEqualTo("LEASE_LOST");
      assertThat(woke.text()).contains("the pass stopped changing anything at once");
      assertThat(changes(s)).as("changes after the frozen pass woke").isEqualTo(before);
      s.invokeUntilSettled(Scenario.SCHEDULED);
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void aLeaseTableThatDoesNotExistChangesNothingAndSaysSo() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(83), LEASED)) {
      Ended r = run(s, Start.SCHEDULE, s.sim.sleeper(), s.sim.env());

      assertThat(r.stop()).isEqualTo("ERROR");
      assertThat(r.text())
          .contains(
              "the lease table 'leases' (LEASE_TABLE) does not exist in this account and region,"
                  + " so nothing was changed");
      assertThat(changes(s)).isZero();
    }
  }

  @Test
  void aLeaseTableTheRoleMayNotWriteChangesNothingAndSaysSo() {
    Faults readOnly = Faults.none(84).withTableAccess(TABLE, Faults.TableAccess.READ_ONLY);
    try (Scenario s = leased(84, readOnly)) {
      Ended r = run(s, Start.SCHEDULE, s.sim.sleeper(), s.sim.env());

      assertThat(r.stop()).isEqualTo("ERROR");
      assertThat(r.text())
          .contains(
              "the lease table 'leases' (LEASE_TABLE) may not be written with these credentials,"
                  + " so nothing was changed");
      assertThat(changes(s)).isZero();
    }
  }

  @Test
  void aLeaseStoreThatThrottlesMidPassStopsChangesBeforeTheLeaseCouldLapseAndSaysSo() {
    // The lease is taken at the start; from ten seconds on every DynamoDB call is throttled, so no
    // renewal gets through.
    Faults throttled =
        Faults.none(85)
            .withThrottleWindow(
                "dynamodb", Simulation.START.plusSeconds(10), Duration.ofMinutes(30));
    try (Scenario s = leased(85, throttled)) {
      Ended r = run(s, Start.SCHEDULE, s.sim.sleeper(), s.sim.env());

      assertThat(r.stop()).isEqualTo("LEASE_LOST");
      assertThat(r.text())
          .contains("was not renewed before its last third began")
          .contains("Throttl");
      s.assertSafetyHeld();
    }
  }

  @Test
  void fourClustersUpdateInParallelEachWithinItsOwnMaxConcurrent() throws Exception {
    // As the fan-out queue runs them: each cluster's passes in invocations of their own, at once.
    List<Fleet.Rollout> four = Fleet.parallel(4, new int[] {1, 2, 1, 3}, 86);

    assertThat(four).extracting(Fleet.Rollout::maxConcurrent).containsExactly(1, 2, 1, 3);
    assertThat(four)
        .allSatisfy(
            r -> {
              assertThat(r.converged()).as("converged").isTrue();
              assertThat(r.violations())
                  .as("safety rules, its own MAX_CONCURRENT among them")
                  .isEmpty();
              assertThat(r.leaseCalls()).containsKeys("dynamodb:PutItem", "dynamodb:DeleteItem");
            });
  }
}
