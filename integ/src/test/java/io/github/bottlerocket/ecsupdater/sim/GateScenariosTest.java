package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Passes that must not change the cluster: outside the maintenance window, and dry runs. */
class GateScenariosTest {
  private static final List<String> OUTDATED = List.of("br-1", "br-2", "br-5");

  @Test
  void outsideTheMaintenanceWindowNothingStarts() {
    // The simulation starts on a Monday at 09:00 UTC.
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(31), Map.of("MAINTENANCE_WINDOW", "Sat,Sun 02:00-06:00"))) {
      for (int i = 0; i < 3; i++) {
        s.invoke(Scenario.SCHEDULED);
        s.sim.advance(Scenario.TICK);
      }

      assertThat(s.sim.endpoint().calls()).doesNotContainKeys("ecs:PutAttributes", "ecs:UpdateContainerInstancesState", "ssm:SendCommand");
      s.assertSafetyHeld();
    }
  }

  @Test
  void outsideTheMaintenanceWindowTheReportSaysWhy() {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(32), Map.of("MAINTENANCE_WINDOW", "Sat,Sun 02:00-06:00"))) {
      Scenario.Reply reply = s.invoke(Scenario.SCHEDULED);

      for (String host : OUTDATED) {
        assertThat(reply.line(s.ec2(host)).path("reason").asText()).as(host).isEqualTo("WINDOW_CLOSED");
      }
    }
  }

  @Test
  void aDryRunPlansUpdatesButChangesNothing() {
    try (Scenario s = Scenario.start(Clusters.mixed(), Faults.none(33))) {
      Scenario.Reply reply = s.invoke(Scenario.DRY_RUN);

      assertThat(reply.report().path("plannedChanges")).isNotEmpty();
      assertThat(s.sim.endpoint().calls()).doesNotContainKeys("ecs:PutAttributes", "ecs:DeleteAttributes", "ecs:UpdateContainerInstancesState", "ecs:TagResource");
      assertThat(s.sim.cluster().hostCommandsSent()).allMatch(c -> c.endsWith(":CHECK") || c.endsWith(":STATUS"));
      for (String host : OUTDATED) {
        assertThat(s.host(host).version()).isEqualTo(OLD);
        assertThat(s.host(host).attributes()).containsOnlyKeys("bottlerocket.variant");
      }
      s.assertSafetyHeld();
    }
  }
}
