package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Passes stopped at random points, then resumed by new handlers that remember nothing: the cluster
 * must end where an uninterrupted run ends, and no safety rule may break on the way.
 *
 * <p>A pass is stopped in one of two ways after its k-th AWS request (k drawn from the seed): the
 * endpoint rejects every later request, so nothing after that point reaches the cluster (as a crash
 * would), or the invocation's remaining time drops to zero, so the pass stops at its next deadline
 * check.
 */
class KillAndResumeTest {
  private static final int STOPS = 3;

  /**
   * An uninterrupted update of the small cluster takes about 500 requests, of the mixed one 800.
   */
  private static final int MOST_REQUESTS_BEFORE_STOP = 500;

  static Stream<Arguments> runs() {
    Stream<Arguments> small =
        LongStream.rangeClosed(1, 20)
            .mapToObj(seed -> Arguments.of("3 hosts, MAX_CONCURRENT 1", seed));
    Stream<Arguments> mixed =
        LongStream.rangeClosed(101, 106)
            .mapToObj(seed -> Arguments.of("mixed 6 hosts, MAX_CONCURRENT 2", seed));
    return Stream.concat(small, mixed);
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("runs")
  void passesStoppedAtRandomPointsResumeToEveryHostOnTheNewestVersion(String cluster, long seed) {
    boolean mixed = cluster.startsWith("mixed");
    try (Scenario s =
        mixed
            ? Scenario.start(Clusters.mixed(), Faults.none(seed), Map.of("MAX_CONCURRENT", "2"))
            : Scenario.start(Clusters.small(), Faults.none(seed))) {
      stopAndResume(s, new Random(seed));

      s.assertInvariantsHeld(mixed ? Set.of("br-4") : Set.of());
    }
  }

  static Stream<Arguments> noisyRuns() {
    Stream<Arguments> small =
        LongStream.rangeClosed(201, 206)
            .mapToObj(seed -> Arguments.of("3 hosts, MAX_CONCURRENT 1", seed));
    Stream<Arguments> mixed =
        LongStream.rangeClosed(301, 303)
            .mapToObj(seed -> Arguments.of("mixed 6 hosts, MAX_CONCURRENT 2", seed));
    return Stream.concat(small, mixed);
  }

  /**
   * The same stops with a fifth of all calls throttled and a tenth failing with a 5xx, through the
   * SDK's own retries (in simulated time), and a back-off so long that a failed host is not tried
   * again: the stops and the faults together fail no host.
   */
  @ParameterizedTest(name = "{0}, seed {1}, with throttling and 5xx")
  @MethodSource("noisyRuns")
  void passesStoppedAtRandomPointsAmidThrottlingAndServerErrorsFailNoHost(
      String cluster, long seed) {
    boolean mixed = cluster.startsWith("mixed");
    Faults faults = Faults.none(seed).withThrottling(0.2).withServerErrors(0.1);
    Map<String, String> settings = new HashMap<>(NoisyAwsScenarioTest.NO_RETRY_WITHIN_THE_TEST);
    if (mixed) {
      settings.put("MAX_CONCURRENT", "2");
    }
    try (Scenario s =
        Scenario.startWithSdkInVirtualTime(
            mixed ? Clusters.mixed() : Clusters.small(),
            faults,
            settings,
            VirtualTimeSdk.Retries.UPDATER)) {
      FailureWatch failures = FailureWatch.on(s.sim.cluster());
      stopAndResume(s, new Random(seed));

      assertThat(failures.seen()).as("failure records written on any host").isEmpty();
      s.assertInvariantsHeld(mixed ? Set.of("br-4") : Set.of());
    }
  }

  /** Stops {@link #STOPS} passes at random points, then resumes until the cluster settles. */
  private static void stopAndResume(Scenario s, Random random) {
    for (int stop = 0; stop < STOPS; stop++) {
      long k = 1 + random.nextInt(MOST_REQUESTS_BEFORE_STOP);
      AwsEndpoint endpoint = s.sim.endpoint();
      if (random.nextBoolean()) {
        endpoint.cutOffAfter(k);
        s.invokeFresh(Scenario.SCHEDULED, () -> false);
        endpoint.restore();
      } else {
        long start = endpoint.requestCount();
        s.invokeFresh(Scenario.SCHEDULED, () -> endpoint.requestCount() - start >= k);
      }
      s.sim.advance(Scenario.TICK);
    }

    s.resumeUntil(Scenario.SCHEDULED, r -> r.settled() && allCurrentOrFailed(s), 60);
  }

  private static boolean allCurrentOrFailed(Scenario s) {
    return s.sim.cluster().instanceStates().stream()
        .filter(SimulatedCluster.InstanceState::bottlerocket)
        .filter(h -> !h.runningTasks().contains("family:nightly-report"))
        .allMatch(
            h ->
                h.version().equals(NEW)
                    || h.attributes().containsKey("bottlerocket-ecs-updater.failure"));
  }
}
