package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The instance gates through the real handler and SDK: ECS task scale-in protection holds a drain
 * ({@code TASK_PROTECTION}), and the scale-in shield keeps Auto Scaling from terminating a host the
 * updater has out of service ({@code SCALE_IN_SHIELD}).
 */
class InstanceGateScenariosTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> HOSTS = List.of("br-1", "br-2", "br-3");

  @Test
  void aProtectedTaskHoldsItsHostUntilTheProtectionEndsAndThenItIsUpdated() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(71))) {
      s.sim.cluster().protectTask("br-1", "web", Duration.ofMinutes(30));

      Scenario.Reply held =
          s.invokeUntil(
              Scenario.SCHEDULED,
              r -> r.line(s.ec2("br-1")).path("reason").asText().equals("TASK_PROTECTED"),
              10);

      assertThat(held.line(s.ec2("br-1")).path("detail").asText())
          .startsWith("web task ")
          .contains("is protected from scale-in until");
      assertThat(held.line(s.ec2("br-1")).path("next").asText()).startsWith("drain after ");
      assertThat(s.host("br-1").status()).isEqualTo("ACTIVE");
      assertThat(s.host("br-1").version()).isEqualTo(OLD);

      // No call ever changes a task's protection; it ends by itself after 30 minutes.
      s.invokeUntil(Scenario.SCHEDULED, r -> r.settled() && allOn(s, NEW), 40);

      assertThat(s.sim.endpoint().calls()).doesNotContainKey("ecs:UpdateTaskProtection");
      assertThat(s.sim.endpoint().calls()).containsKey("ecs:GetTaskProtection");
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void aDryRunReportsTheHostATaskProtectionHolds() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(72))) {
      s.sim.cluster().protectTask("br-1", "web", Duration.ofHours(2));
      // Stage every host first, so that the dry run reaches the drain decision.
      s.invokeUntil(
          Scenario.SCHEDULED,
          r -> r.line(s.ec2("br-1")).path("reason").asText().equals("TASK_PROTECTED"),
          10);

      Scenario.Reply dry = s.invoke(Scenario.DRY_RUN);

      assertThat(dry.line(s.ec2("br-1")).path("reason").asText()).isEqualTo("TASK_PROTECTED");
      s.assertSafetyHeld();
    }
  }

  @Test
  void withTaskProtectionIgnoredTheProtectionIsNotReadAndTheHostIsDrained() {
    try (Scenario s =
        Scenario.start(Clusters.small(), Faults.none(73), Map.of("TASK_PROTECTION", "ignore"))) {
      s.sim.cluster().protectTask("br-2", "web", Duration.ofHours(2));

      s.invokeUntil(Scenario.SCHEDULED, r -> r.settled() && allOn(s, NEW), 40);

      assertThat(s.sim.endpoint().calls()).doesNotContainKey("ecs:GetTaskProtection");
      assertThat(s.host("br-2").version()).isEqualTo(NEW);
    }
  }

  @Test
  void theUpdaterProtectsEachHostFromScaleInForItsUpdateAndClearsItAfter() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(74))) {
      AutoScaling asg = s.sim.cluster().autoScaling();
      asg.createGroup("asg-a", HOSTS, false);
      Map<String, String> names = s.namesByEc2();
      Set<String> drainedUnprotected = ConcurrentHashMap.newKeySet();
      Set<String> drainedProtected = ConcurrentHashMap.newKeySet();
      // Heard under the cluster's lock, at the moment ECS reports the instance DRAINING.
      s.sim
          .cluster()
          .events()
          .subscribe(
              e -> {
                JsonNode detail = detail(e);
                if (e.detailType().equals(EventFeed.ECS_INSTANCE_CHANGE)
                    && detail.path("status").asText().equals("DRAINING")) {
                  String name = names.get(detail.path("ec2InstanceId").asText());
                  (asg.isProtected(name) ? drainedProtected : drainedUnprotected).add(name);
                }
              });

      s.invokeUntil(Scenario.SCHEDULED, r -> r.settled() && allOn(s, NEW), 40);

      assertThat(drainedProtected).containsExactlyInAnyOrderElementsOf(HOSTS);
      assertThat(drainedUnprotected).isEmpty();
      for (String h : HOSTS) {
        assertThat(asg.isProtected(h)).as(h + " protected at the end").isFalse();
      }
      // One to set and one to clear per host, nothing more.
      assertThat(s.sim.endpoint().calls()).containsEntry("autoscaling:SetInstanceProtection", 6L);
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void aScaleInWhileAHostDrainsTerminatesAHostInServiceInstead() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(75))) {
      AutoScaling asg = s.sim.cluster().autoScaling();
      asg.createGroup("asg-a", HOSTS, false);
      // The group terminates the first host in registration order that is not protected: br-1,
      // the first the updater drains, were it not for the updater's protection.
      for (int n = 0; n < 20 && !s.host("br-1").status().equals("DRAINING"); n++) {
        s.invokeFresh(Scenario.SCHEDULED, () -> s.host("br-1").status().equals("DRAINING"));
        s.sim.advance(Duration.ofSeconds(1));
      }
      assertThat(s.host("br-1").status()).isEqualTo("DRAINING");
      assertThat(asg.isProtected("br-1")).isTrue();

      Optional<String> terminated = asg.scaleIn("asg-a");

      assertThat(terminated).contains("br-2");
      s.resumeUntil(Scenario.SCHEDULED, r -> r.settled() && allOnOrGone(s, NEW), 40);
      assertThat(s.host("br-1").version()).isEqualTo(NEW);
      for (String h : HOSTS) {
        assertThat(asg.isProtected(h)).as(h + " protected at the end").isFalse();
      }
      s.assertInvariantsHeld(Set.of());
    }
  }

  @ParameterizedTest(name = "stopped {0} requests after the reboot was sent")
  @ValueSource(ints = {0, 1, 3, 8})
  void aPassStoppedInTheMiddleOfTheRebootStillClearsTheProtectionLater(int after) {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(76))) {
      AutoScaling asg = s.sim.cluster().autoScaling();
      asg.createGroup("asg-a", HOSTS, false);
      AwsEndpoint endpoint = s.sim.endpoint();
      long[] rebootSentAt = {-1};

      for (int n = 0; n < 40 && rebootSentAt[0] < 0; n++) {
        s.invokeFresh(
            Scenario.SCHEDULED,
            () -> {
              if (rebootSentAt[0] < 0 && s.commandsSent("br-1", "REBOOT") > 0) {
                rebootSentAt[0] = endpoint.requestCount();
              }
              return rebootSentAt[0] >= 0 && endpoint.requestCount() - rebootSentAt[0] >= after;
            });
        s.sim.advance(Scenario.TICK);
      }
      assertThat(rebootSentAt[0]).as("the reboot was sent").isNotNegative();
      assertThat(asg.isProtected("br-1")).as("protected while it reboots").isTrue();
      assertThat(asg.scaleIn("asg-a")).isNotEqualTo(Optional.of("br-1"));

      s.resumeUntil(Scenario.SCHEDULED, r -> r.settled() && allOnOrGone(s, NEW), 60);

      for (String h : HOSTS) {
        assertThat(asg.isProtected(h)).as(h + " protected at the end").isFalse();
      }
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void withManagedTerminationProtectionTheUpdaterLeavesTheFlagToEcs() {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(77))) {
      AutoScaling asg = s.sim.cluster().autoScaling();
      asg.createGroup("asg-a", HOSTS, true);

      s.invokeUntil(Scenario.SCHEDULED, r -> r.settled() && allOn(s, NEW), 40);

      assertThat(s.sim.endpoint().calls()).doesNotContainKey("autoscaling:SetInstanceProtection");
      assertThat(s.sim.endpoint().calls()).containsKey("autoscaling:DescribeAutoScalingInstances");
      for (String h : HOSTS) {
        assertThat(asg.isProtected(h)).as(h + " as ECS left it").isTrue();
      }
      s.assertInvariantsHeld(Set.of());
    }
  }

  @Test
  void withTheShieldOffAutoScalingIsNeverCalled() {
    try (Scenario s =
        Scenario.start(Clusters.small(), Faults.none(78), Map.of("SCALE_IN_SHIELD", "false"))) {
      s.sim.cluster().autoScaling().createGroup("asg-a", HOSTS, false);

      s.invokeUntil(Scenario.SCHEDULED, r -> r.settled() && allOn(s, NEW), 40);

      assertThat(s.sim.endpoint().calls().keySet()).noneMatch(k -> k.startsWith("autoscaling:"));
      s.assertInvariantsHeld(Set.of());
    }
  }

  private static JsonNode detail(EventFeed.Event e) {
    try {
      return MAPPER.readTree(e.json()).path("detail");
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  private static boolean allOn(Scenario s, String version) {
    return HOSTS.stream().allMatch(h -> s.host(h).version().equals(version));
  }

  private static boolean allOnOrGone(Scenario s, String version) {
    return HOSTS.stream()
        .allMatch(
            h -> s.host(h).version().equals(version) || s.host(h).status().equals("INACTIVE"));
  }
}
