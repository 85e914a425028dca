package io.github.bottlerocket.ecsupdater.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the SDK retry configurations of {@link VirtualTimeSdk.Retries} against each other on the
 * mixed cluster's update: a fifth of all calls throttled and one minute in which every ECS call is
 * throttled, each seed of {@link NoisyAwsScenarioTest#seeds()} (and its window) run {@code
 * measure.retries} times per configuration; with {@code measure.noisy=true} also with the 5xx and
 * latency of the noisy scenario; {@code measure.configs=STANDARD,ADAPTIVE_V2} measures only those.
 * Prints a table, and every failure record written, and writes them to {@code
 * target/retry-measurement.md}. It reports failures rather than failing on them, so that it can
 * measure an engine that has them; {@link NoisyAwsScenarioTest} is the test that forbids them.
 *
 * <p>Not part of the build (it runs the update a few hundred times):
 *
 * <pre>
 * ./mvnw -q -pl integ -am verify -Dtest=RetryModeMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmeasure.retries=3
 * </pre>
 */
@EnabledIfSystemProperty(
    named = "measure.retries",
    matches = "[1-9][0-9]*",
    disabledReason = "a measurement, not a test: run it with -Dmeasure.retries=<runs per seed>")
class RetryModeMeasurement {

  /** Sums over the runs of one configuration. */
  private static final class Totals {
    int runs;
    long passes;
    int mostPasses;
    long faults;
    long passesEndedByAFault;
    long calls;
    long sdkRetries;
    Duration took = Duration.ZERO;
    int runsWithFailures;
    final List<String> failures = new ArrayList<>();

    void add(NoisyAwsScenarioTest.Run r) {
      runs++;
      passes += r.passes();
      mostPasses = Math.max(mostPasses, r.passes());
      faults += r.faults();
      passesEndedByAFault += r.passesEndedByAFault();
      calls += r.calls();
      sdkRetries += r.sdkRetries();
      took = took.plus(r.took());
      if (!r.failures().isEmpty()) {
        runsWithFailures++;
        failures.addAll(r.failures().stream().map(Object::toString).toList());
      }
    }

    String row(String label) {
      return String.format(
          Locale.ROOT,
          "| %s | %d | %.2f (%d) | %.1f | %.2f | %.0f | %.0f | %.1f | %d | %d |",
          label,
          runs,
          passes / (double) runs,
          mostPasses,
          faults / (double) runs,
          passesEndedByAFault / (double) runs,
          calls / (double) runs,
          sdkRetries / (double) runs,
          took.toSeconds() / 60.0 / runs,
          runsWithFailures,
          failures.size());
    }
  }

  @Test
  void compareTheRetryConfigurations() throws IOException {
    int reps = Integer.getInteger("measure.retries");
    boolean noisy = Boolean.getBoolean("measure.noisy");
    StringBuilder out = new StringBuilder();
    out.append(table("20% throttling, one minute of ECS throttling", false, reps));
    if (noisy) {
      out.append('\n').append(table("the same, 10% 5xx and up to 3 s latency", true, reps));
    }
    System.out.println(out);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "retry-measurement.md"), out);
  }

  /** The configurations named in {@code measure.configs} (comma-separated), or all of them. */
  private static List<VirtualTimeSdk.Retries> configurations() {
    String names = System.getProperty("measure.configs", "");
    if (names.isBlank()) {
      // The updater's own is one of the others.
      return Arrays.stream(VirtualTimeSdk.Retries.values())
          .filter(r -> r != VirtualTimeSdk.Retries.UPDATER)
          .toList();
    }
    return Arrays.stream(names.split(","))
        .map(n -> VirtualTimeSdk.Retries.valueOf(n.strip()))
        .toList();
  }

  private static String table(String title, boolean noisy, int reps) {
    Map<VirtualTimeSdk.Retries, Totals> totals = new EnumMap<>(VirtualTimeSdk.Retries.class);
    for (VirtualTimeSdk.Retries retries : configurations()) {
      Totals t = new Totals();
      NoisyAwsScenarioTest.seeds()
          .forEach(
              args -> {
                long seed = (Long) args.get()[0];
                Duration windowAt = (Duration) args.get()[1];
                for (int i = 0; i < reps; i++) {
                  Faults f =
                      noisy
                          ? NoisyAwsScenarioTest.noisy(seed, windowAt)
                          : Faults.none(seed)
                              .withThrottling(0.2)
                              .withThrottleWindow(
                                  "ecs", Simulation.START.plus(windowAt), Duration.ofMinutes(1));
                  t.add(NoisyAwsScenarioTest.run(f, retries));
                }
              });
      totals.put(retries, t);
    }
    StringBuilder out = new StringBuilder();
    out.append("### ").append(title).append("\n\n");
    out.append(
        "| SDK retries | runs | passes to converge, mean (most) | faults that reached the engine"
            + " | passes a fault ended | calls | SDK retries | simulated minutes | runs with a"
            + " failed healthy host | failure records |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|\n");
    totals.forEach((r, t) -> out.append(t.row(r.label)).append('\n'));
    totals.forEach(
        (r, t) ->
            t.failures.forEach(f -> out.append("\n- ").append(r.label).append(": ").append(f)));
    return out.append('\n').toString();
  }
}
