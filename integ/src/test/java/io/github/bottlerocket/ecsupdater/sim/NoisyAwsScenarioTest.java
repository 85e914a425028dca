package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AWS at its noisiest for a whole update, through the Lambda handler and the real SDK with the
 * updater's own retry configuration (its back-off spent in simulated time, see {@link
 * VirtualTimeSdk}): a fifth of all calls throttled, a tenth failing with a 5xx, every call taking
 * up to 3 s, and one minute in which every ECS call is throttled. The timeouts are the simulation's
 * usual ones; only the update back-off is so long that a host failed once is not tried again within
 * the test, so a healthy host failed for nothing shows instead of being retried into success.
 */
class NoisyAwsScenarioTest {
  private static final Set<String> STANDALONE_HOST = Set.of("br-4");
  static final List<String> OUTDATED = List.of("br-1", "br-2", "br-5");

  /** A host failed once is not tried again within a test. */
  static final Map<String, String> NO_RETRY_WITHIN_THE_TEST =
      Map.of("RETRY_BACKOFF", "30d", "RETRY_BACKOFF_MAX", "30d");

  static Faults noisy(long seed, Duration throttleWindowAt) {
    return Faults.none(seed)
        .withThrottling(0.2)
        .withServerErrors(0.1)
        .withLatency(Duration.ofSeconds(3))
        .withThrottleWindow("ecs", Simulation.START.plus(throttleWindowAt), Duration.ofMinutes(1));
  }

  /**
   * What one noisy run came to.
   *
   * @param passes invocations until every outdated host was current or failed, and a pass settled
   * @param faults calls that failed after the SDK's retries, so that the engine saw them
   * @param passesEndedByAFault passes that stopped with {@code ERROR}
   * @param calls requests that reached the endpoint, retries included
   * @param sdkRetries attempts the SDK made after a call's first
   * @param failures failure records written on any host
   * @param phasesInWindow the phases hosts were in while ECS throttled everything
   * @param took simulated time from the first pass to the end of the last
   */
  record Run(
      int passes,
      long faults,
      int passesEndedByAFault,
      long calls,
      long sdkRetries,
      List<FailureWatch.Seen> failures,
      Set<String> phasesInWindow,
      Duration took) {}

  /**
   * Runs the mixed cluster's update under {@code faults} (with one throttle window) with {@code
   * retries}.
   */
  static Run run(Faults faults, VirtualTimeSdk.Retries retries) {
    try (Scenario s =
        Scenario.startWithSdkInVirtualTime(
            Clusters.mixed(), faults, NO_RETRY_WITHIN_THE_TEST, retries)) {
      FailureWatch failures = FailureWatch.on(s.sim.cluster());
      List<JsonNode> changes = new ArrayList<>();
      int[] passes = {0};
      int[] errors = {0};
      long[] engineFaults = {0};
      s.invokeUntil(
          Scenario.SCHEDULED,
          r -> {
            passes[0]++;
            if (r.stopReason().equals("ERROR")) {
              errors[0]++;
            }
            r.report().path("changes").forEach(changes::add);
            for (JsonNode f : r.report().path("faults")) {
              engineFaults[0] += f.path("count").asLong();
            }
            return r.stopReason().equals("SETTLED") && allCurrentOrFailed(s);
          },
          40);

      if (failures.seen().isEmpty()) {
        for (String host : OUTDATED) {
          assertThat(s.host(host).status()).as(host).isEqualTo("ACTIVE");
        }
        s.assertInvariantsHeld(STANDALONE_HOST);
      } else {
        s.assertSafetyHeld();
      }
      long calls = s.sim.endpoint().calls().values().stream().mapToLong(Long::longValue).sum();
      return new Run(
          passes[0],
          engineFaults[0],
          errors[0],
          calls,
          s.sdk().retriesTaken(),
          failures.seen(),
          phasesDuring(changes, faults.throttleWindows().get(0)),
          Duration.between(Simulation.START, s.sim.clock().instant()));
    }
  }

  /**
   * The phases some host was in at some moment of {@code window}, from the transitions the passes
   * reported.
   */
  private static Set<String> phasesDuring(List<JsonNode> changes, Faults.ThrottleWindow window) {
    Set<String> phases = new TreeSet<>();
    Map<String, String> before = new HashMap<>();
    for (JsonNode c : changes) {
      Instant at = Instant.parse(c.path("at").asText());
      String host = c.path("ec2InstanceId").asText();
      if (at.isBefore(window.from())) {
        before.put(host, c.path("toPhase").asText(""));
      } else if (window.covers("ecs", at)) {
        phases.add(c.path("fromPhase").asText(""));
        phases.add(c.path("toPhase").asText(""));
      }
    }
    phases.addAll(before.values());
    phases.remove("");
    return phases;
  }

  /** Every outdated host is current with its record gone, or carries a failure record. */
  private static boolean allCurrentOrFailed(Scenario s) {
    return OUTDATED.stream()
        .map(s::host)
        .allMatch(
            h ->
                h.attributes().containsKey(StateAttributes.FAILURE)
                    || (h.version().equals(NEW)
                        && !h.attributes().containsKey(StateAttributes.STATE)));
  }

  /**
   * Seeds, each with the minute of ECS throttling at another point of the update (which phases it
   * meets varies with the faults before it): between them it falls on every phase of an update.
   */
  static Stream<Arguments> seeds() {
    return Stream.of(
        Arguments.of(41L, Duration.ofMinutes(1)),
        Arguments.of(42L, Duration.ofMinutes(2)),
        Arguments.of(43L, Duration.ofSeconds(210)),
        Arguments.of(44L, Duration.ofMinutes(5)),
        Arguments.of(45L, Duration.ofSeconds(390)),
        Arguments.of(46L, Duration.ofMinutes(8)),
        Arguments.of(47L, Duration.ofSeconds(570)),
        Arguments.of(48L, Duration.ofMinutes(11)));
  }

  @ParameterizedTest(name = "seed {0}, ECS throttled for a minute from {1} on")
  @MethodSource("seeds")
  void everyHealthyHostEndsOnTheNewVersionAndNoneEverCarriesAFailureRecord(
      long seed, Duration throttleWindowAt) {
    Run run = run(noisy(seed, throttleWindowAt), VirtualTimeSdk.Retries.UPDATER);

    assertThat(run.failures()).as("failure records written on any host").isEmpty();
    assertThat(run.faults()).as("faults that reached the engine").isPositive();
  }
}
