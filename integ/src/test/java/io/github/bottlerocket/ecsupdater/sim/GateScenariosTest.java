package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What keeps the updater away: a closed window, the pause tag, an opt-out, a dry run. */
class GateScenariosTest {
  private static final List<String> OUTDATED = List.of("br-1", "br-2", "br-5");

  @Test
  void outsideTheMaintenanceWindowNothingStarts() {
    // The simulation starts on a Monday at 09:00 UTC.
    try (Scenario s =
        Scenario.start(
            Clusters.mixed(),
            Faults.none(31),
            Map.of("MAINTENANCE_WINDOW", "Sat,Sun 02:00-06:00"))) {
      for (int i = 0; i < 3; i++) {
        s.invoke(Scenario.SCHEDULED);
        s.sim.advance(Scenario.TICK);
      }

      assertThat(s.sim.endpoint().calls())
          .doesNotContainKeys(
              "ecs:PutAttributes", "ecs:UpdateContainerInstancesState", "ssm:SendCommand");
      s.assertSafetyHeld();
    }
  }

  @Test
  void outsideTheMaintenanceWindowTheReportSaysWhy() {
    try (Scenario s =
        Scenario.start(
            Clusters.mixed(),
            Faults.none(32),
            Map.of("MAINTENANCE_WINDOW", "Sat,Sun 02:00-06:00"))) {
      Scenario.Reply reply = s.invoke(Scenario.SCHEDULED);

      for (String host : OUTDATED) {
        assertThat(reply.line(s.ec2(host)).path("reason").asText())
            .as(host)
            .isEqualTo("WINDOW_CLOSED");
      }
    }
  }

  @Test
  void aPausedClusterStartsNothing() {
    try (Scenario s =
        Scenario.start(
            Clusters.mixed().withTag("bottlerocket-ecs-updater:paused", "true"), Faults.none(34))) {
      Scenario.Reply reply = s.invoke(Scenario.SCHEDULED);

      assertThat(reply.line(s.ec2("br-1")).path("reason").asText()).isEqualTo("PAUSED");
      assertThat(s.sim.endpoint().calls())
          .doesNotContainKeys("ecs:PutAttributes", "ecs:UpdateContainerInstancesState");
    }
  }

  @Test
  void anOptedOutInstanceIsNeverTouchedWhileTheOthersAreUpdated() {
    ClusterSpec spec =
        Clusters.empty()
            .withHost(
                HostSpec.bottlerocket("br-1", OLD)
                    .withAttribute("bottlerocket-ecs-updater.opt-out", "true"))
            .withHost(HostSpec.bottlerocket("br-2", OLD))
            .withService(ServiceSpec.replica("web", 2, 256, 512));
    try (Scenario s = Scenario.start(spec, Faults.none(35))) {
      Scenario.Reply last = s.invokeUntilSettled(Scenario.SCHEDULED);

      assertThat(last.line(s.ec2("br-1")).path("reason").asText()).isEqualTo("OPTED_OUT");
      assertThat(s.sim.cluster().hostCommandsSent()).noneMatch(c -> c.startsWith("br-1:"));
      assertThat(s.host("br-2").version()).isEqualTo(Clusters.NEW);
      s.assertInvariantsHeld(Set.of("br-1"));
    }
  }

  @Test
  void aDryRunPlansUpdatesButChangesNothing() {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(33))) {
      Scenario.Reply reply = s.invoke(Scenario.DRY_RUN);

      assertThat(reply.report().path("plannedChanges")).isNotEmpty();
      assertThat(s.sim.endpoint().calls())
          .doesNotContainKeys(
              "ecs:PutAttributes",
              "ecs:DeleteAttributes",
              "ecs:UpdateContainerInstancesState",
              "ecs:TagResource");
      assertThat(s.sim.cluster().hostCommandsSent())
          .allMatch(c -> c.endsWith(":CHECK") || c.endsWith(":STATUS"));
      for (String host : OUTDATED) {
        assertThat(s.host(host).version()).isEqualTo(OLD);
        assertThat(s.host(host).attributes()).containsOnlyKeys("bottlerocket.variant");
      }
      s.assertSafetyHeld();
    }
  }

  @ParameterizedTest(name = "after {0} requests of an update")
  @ValueSource(ints = {60, 150, 250, 400})
  void aDryRunInTheMiddleOfAnUpdateChangesNothing(int requests) {
    try (Scenario s = Scenario.start(Clusters.small(), Faults.none(36))) {
      AwsEndpoint endpoint = s.sim.endpoint();
      long start = endpoint.requestCount();
      s.invokeFresh(Scenario.SCHEDULED, () -> endpoint.requestCount() - start >= requests);
      s.sim.advance(Scenario.TICK);
      Map<String, Long> before = endpoint.calls();
      int commandsBefore = s.sim.cluster().hostCommandsSent().size();

      s.invokeFresh(Scenario.DRY_RUN, () -> false);

      for (String write :
          List.of(
              "ecs:PutAttributes",
              "ecs:DeleteAttributes",
              "ecs:UpdateContainerInstancesState",
              "ecs:TagResource")) {
        assertThat(endpoint.calls().get(write)).as(write).isEqualTo(before.get(write));
      }
      List<String> commands = s.sim.cluster().hostCommandsSent();
      assertThat(commands.subList(commandsBefore, commands.size()))
          .allMatch(c -> c.endsWith(":CHECK") || c.endsWith(":STATUS"));
      s.assertSafetyHeld();
    }
  }
}
