package io.github.bottlerocket.ecsupdater.engine.plan;

import static io.github.bottlerocket.ecsupdater.testing.Scene.service;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SCALE_IN_SHIELD as tables: the group and scale-in protection of an instance are read just before
 * its drain, and the drain says what it does about them.
 */
class ScaleInShieldPlannerTest {

  private static Planner.Plan plan(Scene scene) {
    return Planner.plan(scene.build());
  }

  private static List<String> kinds(Planner.Plan plan) {
    return plan.decisions().stream().map(d -> d.getClass().getSimpleName()).toList();
  }

  private static Decision.StartDrain drain(Planner.Plan plan) {
    return plan.decisions().stream()
        .filter(Decision.StartDrain.class::isInstance)
        .map(Decision.StartDrain.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no drain in " + kinds(plan)));
  }

  /** A staged instance whose staged image is confirmed: the drain is decided now. */
  private static Scene confirmed() {
    Scene scene = new Scene().services(service("web", 2, 2)).checkedAgo(Duration.ofMinutes(1));
    scene
        .host("a")
        .phase(Phase.STAGED)
        .tasks(serviceTask("t1", "web", 512, 1024))
        .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
    scene.host("b").free(1024, 2048);
    return scene;
  }

  @Test
  void theGroupIsReadWithTheTaskProtectionOnceNothingElseHoldsTheDrain() {
    Scene scene = confirmed();
    scene.host("a").groupUnread().protectionUnread();

    assertThat(kinds(plan(scene)))
        .containsExactlyInAnyOrder("InspectTaskProtection", "InspectAutoScaling");
  }

  @Test
  void anUnprotectedInstanceOfAGroupIsProtectedByItsDrain() {
    Scene scene = confirmed();
    scene.host("a").inGroup("asg-a", false);

    Decision.StartDrain d = drain(plan(scene));

    assertThat(d.shield()).contains(new Decision.ScaleInShield("asg-a", false));
    assertThat(d.note())
        .isEqualTo(
            "protected from scale-in in Auto Scaling group asg-a first, until it is ACTIVE again");
  }

  @Test
  void anInstanceProtectedAlreadyIsLeftAsItIs() {
    Scene scene = confirmed();
    scene.host("a").inGroup("asg-a", true);

    Decision.StartDrain d = drain(plan(scene));

    assertThat(d.shield()).contains(new Decision.ScaleInShield("asg-a", true));
    assertThat(d.note())
        .isEqualTo("already protected from scale-in in Auto Scaling group asg-a; left as it is");
  }

  @Test
  void anInstanceOfNoGroupIsDrainedWithoutAShield() {
    Decision.StartDrain d = drain(plan(confirmed()));

    assertThat(d.shield()).isEmpty();
    assertThat(d.note()).isEmpty();
  }

  @Test
  void switchedOffNothingIsReadAndNothingShielded() {
    Scene scene = confirmed().set("SCALE_IN_SHIELD", "false");
    scene.host("a").groupUnread();

    Planner.Plan plan = plan(scene);

    assertThat(kinds(plan)).containsExactly("StartDrain");
    assertThat(drain(plan).shield()).isEmpty();
  }

  @Test
  void nothingIsReadForADrainUnderWay() {
    Scene scene = new Scene().services(service("web", 2, 2));
    scene
        .host("a")
        .phase(Phase.DRAINING)
        .status(InstanceStatus.DRAINING)
        .tasks(serviceTask("t1", "web", 256, 512))
        .groupUnread();

    assertThat(plan(scene).decisions()).isEmpty();
  }

  @Test
  void aRecordedDrainAppliedAgainReadsTheGroupAgain() {
    Scene scene = new Scene().services(service("web", 2, 2)).checkedAgo(Duration.ofMinutes(1));
    scene
        .host("a")
        .phase(Phase.DRAINING)
        .tasks()
        .groupUnread()
        .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
    scene.host("b").free(1024, 2048);

    assertThat(kinds(plan(scene))).containsExactly("InspectAutoScaling");

    scene.host("a").inGroup("asg-a", true);
    assertThat(drain(plan(scene)).shield())
        .isEqualTo(Optional.of(new Decision.ScaleInShield("asg-a", true)));
  }
}
