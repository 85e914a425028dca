package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Update checks whose output is garbage (empty, or cut off mid-way with control characters), on
 * four in ten status-printing commands, over two hours of schedule ticks on hosts that are current
 * (so that checks are all the hosts get). Each pass's report is read against what the hosts then
 * got: a host whose check gave no usable answer shows {@code CHECK_FAILED} in every report until a
 * check succeeds; its line says when it is checked again, and it is checked at the first pass after
 * that time (or the line says what holds it back), never before; and nothing but failed checks is
 * ever recorded as a failure.
 */
class GarbledCheckScenarioTest {
  private static final List<String> HOSTS = List.of("br-1", "br-2", "br-3");
  private static final int TWO_HOURS = 60;
  private static final Pattern CHECKED_AGAIN_AFTER = Pattern.compile("checked again after (\\S+)");
  private static final String HELD_BACK =
      "checked again by a later pass once this no longer holds it back";

  /** What the reports so far said of one host's failed check. */
  private static final class FailedCheck {
    /** When its line said it is checked again. */
    Instant due;

    /** Whether a pass starting after {@link #due} already went by without checking it. */
    boolean heldBack;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void aFailedCheckStaysInEveryReportAndIsCheckedAgainWhenItsLineSays(long seed) {
    try (Scenario s =
        Scenario.start(
            Clusters.empty()
                .withHost(ClusterSpec.HostSpec.bottlerocket("br-1", NEW))
                .withHost(ClusterSpec.HostSpec.bottlerocket("br-2", NEW))
                .withHost(ClusterSpec.HostSpec.bottlerocket("br-3", NEW))
                .withService(ClusterSpec.ServiceSpec.replica("web", 3, 256, 512)),
            Faults.none(seed).withGarbledOutput(0.4),
            Map.of("CHECK_RETRY_INTERVAL", "5m", "CHECK_INTERVAL", "30m"))) {
      FailureWatch failures = FailureWatch.on(s.sim.cluster());
      Map<String, FailedCheck> failing = new HashMap<>();
      int[] failedChecks = {0};
      int[] checkedAgainOnTime = {0};
      Map<String, List<Instant>> checksRun = new HashMap<>();
      s.sim
          .cluster()
          .addObserver(
              new ClusterObserver() {
                @Override
                public void hostCommandRan(
                    SimulatedCluster cluster,
                    String instance,
                    HostCommand command,
                    int exitCode,
                    Instant at) {
                  if (command == HostCommand.CHECK) {
                    synchronized (checksRun) {
                      checksRun.computeIfAbsent(instance, i -> new ArrayList<>()).add(at);
                    }
                  }
                }
              });
      Map<String, Integer> checksBefore = new HashMap<>();

      int[] passes = {0};
      s.invokeUntil(
          Scenario.SCHEDULED,
          r -> {
            passes[0]++;
            Instant started = Instant.parse(r.report().path("startedAt").asText());
            Instant finished = Instant.parse(r.report().path("finishedAt").asText());
            for (String h : HOSTS) {
              List<Instant> ran;
              synchronized (checksRun) {
                ran = List.copyOf(checksRun.getOrDefault(h, List.of()));
              }
              List<Instant> inThisPass = ran.subList(checksBefore.getOrDefault(h, 0), ran.size());
              checksBefore.put(h, ran.size());
              boolean checked = !inThisPass.isEmpty();
              JsonNode line = r.line(s.ec2(h));
              String reason = line.path("reason").asText();
              String next = line.path("next").asText();
              FailedCheck before = failing.get(h);
              String where = h + " in the pass of " + started + ": " + line;

              if (before != null && !checked) {
                assertThat(reason).as(where).isEqualTo("CHECK_FAILED");
                assertThat(line.path("detail").asText())
                    .as(where)
                    .contains("gave no usable answer");
                if (!started.isBefore(before.due)) {
                  // Due but not checked: the line must say what holds it back.
                  assertThat(next).as(where).isEqualTo(HELD_BACK);
                  assertThat(line.path("detail").asText())
                      .as(where)
                      .contains("not checked again yet");
                  before.heldBack = true;
                } else if (finished.isBefore(before.due)) {
                  assertThat(next).as(where).isEqualTo("checked again after " + before.due);
                }
              }
              if (before != null && checked) {
                assertThat(inThisPass.get(0))
                    .as(where + ": checked before its time")
                    .isAfterOrEqualTo(before.due);
                if (!before.heldBack) {
                  checkedAgainOnTime[0]++;
                }
              }
              if (checked || before == null) {
                if (reason.equals("CHECK_FAILED")) {
                  assertThat(checked).as(where + ": a check failed that was never sent").isTrue();
                  assertThat(line.path("detail").asText()).as(where).startsWith("UNPARSEABLE: ");
                  FailedCheck f = new FailedCheck();
                  f.due = dueIn(next).orElseThrow(() -> new AssertionError(where));
                  assertThat(f.due).as(where).isAfter(finished);
                  failing.put(h, f);
                  failedChecks[0]++;
                } else {
                  failing.remove(h);
                }
              }
            }
            return passes[0] >= TWO_HOURS && failing.isEmpty();
          },
          2 * TWO_HOURS);

      assertThat(failedChecks[0]).as("checks that gave no usable answer").isPositive();
      assertThat(checkedAgainOnTime[0]).as("failed checks checked again when due").isPositive();
      assertThat(failures.seen())
          .as("failure records other than failed checks")
          .allMatch(f -> f.reason().equals("CHECK_FAILED"));
      assertThat(HOSTS).allMatch(h -> current(s, h));
      s.assertInvariantsHeld(Set.of());
    }
  }

  private static Optional<Instant> dueIn(String next) {
    Matcher m = CHECKED_AGAIN_AFTER.matcher(next);
    return m.matches() ? Optional.of(Instant.parse(m.group(1))) : Optional.empty();
  }

  private static boolean current(Scenario s, String host) {
    SimulatedCluster.InstanceState h = s.host(host);
    return h.version().equals(NEW) && !h.attributes().containsKey(StateAttributes.FAILURE);
  }
}
