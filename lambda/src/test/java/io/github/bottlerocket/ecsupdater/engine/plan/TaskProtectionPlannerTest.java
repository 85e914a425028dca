package io.github.bottlerocket.ecsupdater.engine.plan;

import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.decisions;
import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.line;
import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.plan;
import static io.github.bottlerocket.ecsupdater.testing.Scene.daemon;
import static io.github.bottlerocket.ecsupdater.testing.Scene.service;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.status;
import static io.github.bottlerocket.ecsupdater.testing.Scene.stoppingTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TASK_PROTECTION as tables: an instance whose service tasks are protected from scale-in is not
 * drained until the protection ends; the protection is read only for the instance about to drain,
 * and again at the drain decision; a drain under way is never undone for it.
 */
class TaskProtectionPlannerTest {
  private static final Instant IN_20_MIN = Scene.T0.plus(Duration.ofMinutes(20));
  private static final String WEB_TASK = "task/t1";

  /** A staged instance with one service task, room elsewhere, services steady. */
  private static Scene staged() {
    Scene scene =
        new Scene()
            .services(service("web", 2, 2), daemon("agent"))
            .checkedAgo(Duration.ofMinutes(1));
    scene
        .host("a")
        .phase(Phase.STAGED)
        .tasks(serviceTask("t1", "web", 512, 1024), serviceTask("d1", "agent", 64, 64))
        .protectionUnread();
    scene.host("b").free(1024, 2048);
    return scene;
  }

  @Test
  void theProtectionOfTheServiceTasksIsReadOnceNothingElseHoldsTheDrain() {
    Planner.Plan plan = plan(staged());

    Decision.InspectTaskProtection read =
        plan.decisions().stream()
            .filter(Decision.InspectTaskProtection.class::isInstance)
            .map(Decision.InspectTaskProtection.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(decisions(plan)).containsExactly("InspectTaskProtection(a)");
    assertThat(read.taskArns()).containsExactly(WEB_TASK, "task/d1");
  }

  @Test
  void aTaskAlreadyToldToStopIsNotAskedAbout() {
    Scene scene = staged();
    scene.host("a").tasks(serviceTask("t1", "web", 512, 1024), stoppingTask("t2", "web"));

    Decision.InspectTaskProtection read =
        (Decision.InspectTaskProtection) plan(scene).decisions().get(0);

    assertThat(read.taskArns()).containsExactly(WEB_TASK);
  }

  @Test
  void nothingIsReadWhileAnotherRuleHoldsTheDrain() {
    Scene scene = staged().services(service("web", 3, 2));

    Planner.Plan plan = plan(scene);

    assertThat(plan.decisions()).isEmpty();
    assertThat(line(plan, "a").reason()).contains(Reason.SERVICE_BELOW_DESIRED);
  }

  @Test
  void aProtectedTaskHoldsTheDrainUntilItsProtectionEnds() {
    Scene scene = staged();
    scene
        .host("a")
        .taskProtection(
            TaskProtection.protectedUntil(WEB_TASK, Optional.of(IN_20_MIN)),
            TaskProtection.notProtected("task/d1"));

    Planner.Plan plan = plan(scene);

    assertThat(plan.decisions()).isEmpty();
    InstanceReport line = line(plan, "a");
    assertThat(line.outcome()).isEqualTo(Outcome.WAITING);
    assertThat(line.reason()).contains(Reason.TASK_PROTECTED);
    assertThat(line.detail())
        .isEqualTo("web task t1 is protected from scale-in until 2026-11-26T10:20:00Z");
    assertThat(line.next()).startsWith("drain after 2026-11-26T10:20:00Z");
  }

  @Test
  void theLatestEndOfSeveralProtectionsIsWhenTheDrainMayStart() {
    Scene scene = staged();
    scene
        .host("a")
        .taskProtection(
            TaskProtection.protectedUntil(WEB_TASK, Optional.of(IN_20_MIN)),
            TaskProtection.protectedUntil("task/d1", Optional.of(IN_20_MIN.plusSeconds(60))));

    assertThat(line(plan(scene), "a").next()).startsWith("drain after 2026-11-26T10:21:00Z");
  }

  static Stream<Arguments> notHeld() {
    return Stream.of(
        Arguments.of(
            "not protected",
            List.of(TaskProtection.notProtected(WEB_TASK), TaskProtection.notProtected("task/d1"))),
        Arguments.of(
            "its protection has just ended",
            List.of(
                TaskProtection.protectedUntil(WEB_TASK, Optional.of(Scene.T0)),
                TaskProtection.notProtected("task/d1"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notHeld")
  void aTaskThatIsNotProtectedNowLetsTheDrainGoOn(String name, List<TaskProtection> read) {
    Scene scene = staged();
    scene.host("a").taskProtection(read.toArray(TaskProtection[]::new));

    assertThat(decisions(plan(scene))).containsExactly("Probe(a)");
  }

  static Stream<Arguments> heldWithoutAnEnd() {
    return Stream.of(
        Arguments.of(
            "ECS could not say",
            TaskProtection.unknown(WEB_TASK, "UNKNOWN_ERROR"),
            "ECS could not say whether web task t1 is protected from scale-in (UNKNOWN_ERROR);"
                + " taken as protected"),
        Arguments.of(
            "protected with no end given",
            TaskProtection.protectedUntil(WEB_TASK, Optional.empty()),
            "web task t1 is protected from scale-in, with no end given"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("heldWithoutAnEnd")
  void aProtectionThatCannotBeReadOrHasNoEndHoldsTheDrainToo(
      String name, TaskProtection p, String detail) {
    Scene scene = staged();
    scene.host("a").taskProtection(p, TaskProtection.notProtected("task/d1"));

    Planner.Plan plan = plan(scene);

    assertThat(plan.decisions()).isEmpty();
    assertThat(line(plan, "a").reason()).contains(Reason.TASK_PROTECTED);
    assertThat(line(plan, "a").detail()).isEqualTo(detail);
    assertThat(line(plan, "a").next()).isEqualTo("drain when it is allowed and safe");
  }

  @Test
  void theProtectionIsReadAgainAtTheDrainDecision() {
    // The host confirmed the staged image: the drain would start now, unless a task is protected.
    Scene scene = staged();
    scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

    assertThat(decisions(plan(scene))).containsExactly("InspectTaskProtection(a)");

    scene
        .host("a")
        .taskProtection(
            TaskProtection.protectedUntil(WEB_TASK, Optional.of(IN_20_MIN)),
            TaskProtection.notProtected("task/d1"));
    assertThat(decisions(plan(scene))).isEmpty();
  }

  @Test
  void theSlotIsHeldWhileTheProtectionIsRead() {
    Scene scene = staged();
    scene
        .host("c")
        .phase(Phase.STAGED, Duration.ofSeconds(5), null)
        .tasks()
        .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

    Planner.Plan plan = plan(scene);

    assertThat(decisions(plan)).containsExactly("InspectTaskProtection(a)");
    assertThat(line(plan, "c").reason()).contains(Reason.NO_DRAIN_SLOT);
  }

  @Test
  void ignoredItIsNeitherReadNorHeldFor() {
    Scene scene = staged().set("TASK_PROTECTION", "ignore");
    scene.host("a").taskProtection(TaskProtection.protectedUntil(WEB_TASK, Optional.of(IN_20_MIN)));

    assertThat(decisions(plan(scene))).containsExactly("Probe(a)");
  }

  @Test
  void aDrainRecordedButNotAppliedGoesBackToStagedForAProtectedTask() {
    Scene scene = staged();
    scene
        .host("a")
        .phase(Phase.DRAINING)
        .taskProtection(TaskProtection.protectedUntil(WEB_TASK, Optional.of(IN_20_MIN)));

    Planner.Plan plan = plan(scene);

    assertThat(decisions(plan)).containsExactly("RevertToStaged(a)");
    assertThat(line(plan, "a").reason()).contains(Reason.TASK_PROTECTED);
  }

  static Stream<Arguments> underWay() {
    return Stream.of(
        Arguments.of(Phase.DRAINING, List.of()),
        // The activation's state is read without waiting for its reply.
        Arguments.of(Phase.ACTIVATING, List.of("Probe(a)")),
        Arguments.of(Phase.REBOOTING, List.of()));
  }

  /**
   * A protection that appears once the drain was applied changes nothing: ECS is already stopping
   * the tasks, setting the instance ACTIVE again would not bring them back, and the reboot still
   * waits until only daemon tasks are left.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("underWay")
  void aProtectionThatAppearsOnceTheDrainIsUnderWayNeverUndoesIt(
      Phase phase, List<String> expected) {
    Scene scene = new Scene().services(service("web", 2, 2), daemon("agent"));
    scene
        .host("a")
        .phase(phase)
        .status(InstanceStatus.DRAINING)
        .tasks(serviceTask("d1", "agent", 64, 64))
        .taskProtection(TaskProtection.protectedUntil("task/d1", Optional.of(IN_20_MIN)));
    if (phase == Phase.DRAINING) {
      scene.host("a").tasks(serviceTask("t1", "web", 256, 512));
    }

    Planner.Plan plan = plan(scene);

    assertThat(decisions(plan)).containsExactlyElementsOf(expected);
    assertThat(plan.decisions())
        .noneMatch(d -> d instanceof Decision.Fail || d instanceof Decision.InspectTaskProtection);
    assertThat(line(plan, "a").reason()).isEmpty();
  }
}
