package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A report line's {@code next} says what happens to the instance next. Each test here brings about
 * a reason in the simulated cluster and then watches the passes that follow, to see that what the
 * sentence promised is what happened: no sooner, no later, and nothing else.
 */
class NextSentenceScenarioTest {
  private static final Pattern TRIED_AGAIN_AFTER =
      Pattern.compile(".*tried again at the first update check after (\\S+)$");

  /**
   * A download that fails is tried again at the first update check after the time its line gives:
   * every report until then says BACKING_OFF with that time, nothing is sent to the host before it,
   * and the first pass after it that checks the cluster for updates checks this host too. (The
   * sentence said "tried again after" the time, but nothing is tried before the cluster's next
   * check, up to CHECK_INTERVAL later.)
   */
  @Test
  void aFailedDownloadIsTriedAgainAtTheFirstUpdateCheckAfterTheTimeItsLineGives() {
    try (Scenario s =
        Scenario.start(
            Clusters.small(),
            Faults.none(10).withPrepareFailures("br-1", 1),
            Map.of("RETRY_BACKOFF", "10m", "CHECK_INTERVAL", "30m"))) {
      String br1 = s.ec2("br-1");
      Optional<Instant> due = Optional.empty();
      Optional<Instant> triedAgainIn = Optional.empty();
      long commandsBefore = 0;
      long checksBefore = 0;
      for (int pass = 0; pass < 60 && triedAgainIn.isEmpty(); pass++) {
        if (pass > 0) {
          s.sim.advance(Scenario.TICK);
        }
        Scenario.Reply r = s.invoke(Scenario.SCHEDULED);
        Instant started = Instant.parse(r.report().path("startedAt").asText());
        JsonNode line = r.line(br1);
        long commands = commandsTo(s, "br-1");
        boolean sent = commands > commandsBefore;
        commandsBefore = commands;
        long checks = checksSent(s);
        boolean clusterChecked = checks > checksBefore;
        checksBefore = checks;
        String where = "br-1 in the pass of " + started + ": " + line;
        if (due.isEmpty()) {
          if (line.path("reason").asText().equals("STAGE_FAILED")) {
            assertThat(line.path("outcome").asText()).as(where).isEqualTo("FAILED");
            due = Optional.of(triedAgainAfter(line.path("next").asText(), where));
          }
          continue;
        }
        if (started.isBefore(due.get())) {
          assertThat(sent).as(where + ": a command before the time its line gave").isFalse();
          assertThat(line.path("reason").asText()).as(where).isEqualTo("BACKING_OFF");
          assertThat(triedAgainAfter(line.path("next").asText(), where)).isEqualTo(due.get());
        } else if (clusterChecked) {
          assertThat(sent)
              .as(where + ": the first update check after the time its line gave")
              .isTrue();
          triedAgainIn = Optional.of(started);
        } else {
          assertThat(sent).as(where + ": tried again before an update check").isFalse();
        }
      }
      assertThat(due).as("the download failed once").isPresent();
      assertThat(triedAgainIn).as("tried again").isPresent();

      s.invokeUntil(
          Scenario.SCHEDULED, r -> r.settled() && s.host("br-1").version().equals(NEW), 60);
      assertThat(s.commandsSent("br-1", "PREPARE")).isEqualTo(2);
      s.assertInvariantsHeld(Set.of());
    }
  }

  /**
   * "nothing while the opt-out attribute is set": through a whole update of the other hosts, the
   * opted-out host gets no command, no drain and no attribute from the updater, and every report
   * says so.
   */
  @Test
  void anOptedOutHostGetsNothingWhileTheAttributeIsSet() {
    ClusterSpec spec =
        Clusters.empty()
            .withHost(ClusterSpec.HostSpec.bottlerocket("br-1", OLD))
            .withHost(
                ClusterSpec.HostSpec.bottlerocket("br-2", OLD)
                    .withAttribute("bottlerocket-ecs-updater.opt-out", "true"))
            .withHost(ClusterSpec.HostSpec.bottlerocket("br-3", OLD))
            .withService(ClusterSpec.ServiceSpec.replica("web", 2, 256, 512));
    try (Scenario s = Scenario.start(spec, Faults.none(12))) {
      Map<String, String> attributesBefore = s.host("br-2").attributes();
      s.invokeUntil(
          Scenario.SCHEDULED,
          r -> {
            JsonNode line = r.line(s.ec2("br-2"));
            assertThat(line.path("reason").asText()).as(line.toString()).isEqualTo("OPTED_OUT");
            assertThat(line.path("next").asText())
                .isEqualTo("nothing while the opt-out attribute is set");
            return r.settled()
                && List.of("br-1", "br-3").stream().allMatch(h -> s.host(h).version().equals(NEW));
          },
          60);

      assertThat(commandsTo(s, "br-2")).as("commands sent to br-2").isZero();
      assertThat(s.host("br-2").status()).isEqualTo("ACTIVE");
      assertThat(s.host("br-2").version()).isEqualTo(OLD);
      assertThat(s.host("br-2").attributes()).isEqualTo(attributesBefore);
      assertThat(s.host("br-2").attributes()).doesNotContainKey(StateAttributes.STATE);
      s.assertInvariantsHeld(Set.of("br-2"));
    }
  }

  private static long commandsTo(Scenario s, String host) {
    return s.sim.cluster().hostCommandsSent().stream()
        .filter(c -> c.startsWith(host + ":"))
        .count();
  }

  private static long checksSent(Scenario s) {
    return s.sim.cluster().hostCommandsSent().stream().filter(c -> c.endsWith(":CHECK")).count();
  }

  private static Instant triedAgainAfter(String next, String where) {
    Matcher m = TRIED_AGAIN_AFTER.matcher(next);
    assertThat(m.matches()).as(where + ": next says when").isTrue();
    return Instant.parse(m.group(1));
  }
}
