package io.github.bottlerocket.ecsupdater.sim;

import static io.github.bottlerocket.ecsupdater.sim.Clusters.NEW;
import static io.github.bottlerocket.ecsupdater.sim.Clusters.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An instance that already carries ECS's maximum of 10 custom attributes (nine of the operator's
 * plus {@code bottlerocket.variant}) leaves the updater no room for its record.
 */
class AttributeLimitScenarioTest {

  private static ClusterSpec clusterWithAFullInstance() {
    HostSpec full = HostSpec.bottlerocket("br-1", OLD);
    for (int i = 0; i < 9; i++) {
      full = full.withAttribute("team.label" + i, "value" + i);
    }
    return Clusters.empty()
        .withHost(full)
        .withHost(HostSpec.bottlerocket("br-2", OLD))
        .withHost(HostSpec.bottlerocket("br-3", OLD))
        .withService(ServiceSpec.replica("web", 2, 256, 512));
  }

  private static Scenario.CommandLine run(Scenario s) {
    return s.commandLine("--cluster", "demo", "--until-done", "--tick", "2m", "--max-passes", "8");
  }

  @Test
  void theOtherInstancesAreUpdated() {
    try (Scenario s = Scenario.start(clusterWithAFullInstance(), Faults.none(51))) {
      run(s);

      assertThat(s.host("br-2").version()).isEqualTo(NEW);
      assertThat(s.host("br-3").version()).isEqualTo(NEW);
      s.assertInvariantsHeld(Set.of("br-1"));
    }
  }

  @Test
  void theFullInstanceGetsNoUpdateTheUpdaterCannotRecordAndTheReportSaysWhy() {
    try (Scenario s = Scenario.start(clusterWithAFullInstance(), Faults.none(52))) {
      Scenario.CommandLine run = run(s);

      assertThat(s.commandsSent("br-1", "PREPARE")).isZero();
      assertThat(run.out())
          .contains("ATTRIBUTE_LIMIT")
          .contains("10 custom attributes of ECS's 10");
      assertThat(s.host("br-1").version()).isEqualTo(OLD);
    }
  }
}
