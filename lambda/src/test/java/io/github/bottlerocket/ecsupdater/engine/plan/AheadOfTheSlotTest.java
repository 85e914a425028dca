package io.github.bottlerocket.ecsupdater.engine.plan;

import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.decisions;
import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.line;
import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.plan;
import static io.github.bottlerocket.ecsupdater.testing.Scene.daemon;
import static io.github.bottlerocket.ecsupdater.testing.Scene.error;
import static io.github.bottlerocket.ecsupdater.testing.Scene.pending;
import static io.github.bottlerocket.ecsupdater.testing.Scene.service;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The steps that keep an instance's time out of service short and the calls of a drain few: task
 * counts before task listings, the version check queued while the host reboots, the next staged
 * image confirmed before the slot frees, the activation's state read without waiting for its reply,
 * and downloads asked about only when their end could start a drain.
 */
class AheadOfTheSlotTest {

  @Nested
  class DrainCountedFirst {

    /** Draining for a minute with one daemon service; the tasks are not read yet. */
    private Scene draining(Duration ago) {
      Scene scene = new Scene().services(service("web", 2, 1), daemon("agent"));
      scene.host("a").phase(Phase.DRAINING, ago, null).status(InstanceStatus.DRAINING);
      return scene;
    }

    @Test
    void aCountAboveTheDaemonsThatDidNotRiseNeedsNoTaskListing() {
      Scene scene = draining(Duration.ofMinutes(1));
      scene.host("a").counted(3, 0).drainCountedBefore(3);

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").detail()).startsWith("2 task(s) besides daemon tasks");
    }

    static Stream<Arguments> listed() {
      return Stream.of(
          Arguments.of(
              "the first look at the drain in this pass",
              (Consumer<Scene>) s -> s.host("a").counted(3, 0)),
          Arguments.of(
              "a count that rose: a task appeared",
              (Consumer<Scene>) s -> s.host("a").counted(3, 0).drainCountedBefore(2)),
          Arguments.of(
              "a task starting on it",
              (Consumer<Scene>) s -> s.host("a").counted(2, 1).drainCountedBefore(3)),
          Arguments.of(
              "a count that daemon tasks alone could make",
              (Consumer<Scene>) s -> s.host("a").counted(1, 0).drainCountedBefore(3)),
          Arguments.of(
              "after DRAIN_TIMEOUT, which is judged on the tasks",
              (Consumer<Scene>)
                  s ->
                      s.host("a")
                          .phase(Phase.DRAINING, Duration.ofMinutes(31), null)
                          .counted(3, 0)
                          .drainCountedBefore(3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("listed")
    void theTasksAreListedWhenTheCountCannotDecide(String name, Consumer<Scene> setUp) {
      Scene scene = draining(Duration.ofMinutes(1));
      setUp.accept(scene);

      assertThat(decisions(plan(scene))).containsExactly("InspectTasks(a)");
    }

    @Test
    void theTasksAreListedWhileTheDaemonServicesAreUnknown() {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.DRAINING, Duration.ofMinutes(1), null)
          .status(InstanceStatus.DRAINING)
          .counted(3, 0)
          .drainCountedBefore(3);

      assertThat(decisions(plan(scene))).contains("InspectTasks(a)");
    }

    @Test
    void aCountThatFellToTheDaemonsIsConfirmedByTheTasksBeforeTheActivation() {
      Scene scene = draining(Duration.ofMinutes(1));
      scene.host("a").counted(1, 0).drainCountedBefore(2);
      assertThat(decisions(plan(scene))).containsExactly("InspectTasks(a)");

      scene.host("a").tasks(serviceTask("d1", "agent", 128, 128));
      assertThat(decisions(plan(scene))).containsExactly("Activate(a)");
    }
  }

  @Nested
  class VersionCheckWhileRebooting {

    private Scene rebooting() {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.REBOOTING, Duration.ofMinutes(1), null)
          .status(InstanceStatus.DRAINING);
      return scene;
    }

    @Test
    void aHostSeenDownGetsItsUpdateCheckQueuedAtSsm() {
      Scene scene = rebooting();
      scene.host("a").disconnected();

      assertThat(decisions(plan(scene))).containsExactly("QueueVersionCheck(a)");
    }

    @Test
    void aCheckSsmCouldNotDeliverIsQueuedAgain() {
      Scene scene = rebooting();
      scene
          .host("a")
          .disconnected()
          .versionCheckQueued(Duration.ofSeconds(30), error(HostError.Kind.NOT_RUN));

      assertThat(decisions(plan(scene))).containsExactly("QueueVersionCheck(a)");
    }

    @Test
    void aCheckPastItsDeliveryTimeoutIsQueuedAgain() {
      Scene scene = rebooting();
      scene
          .host("a")
          .phase(Phase.REBOOTING, Duration.ofMinutes(15), null)
          .disconnected()
          .versionCheckQueued(Duration.ofMinutes(11), pending());

      assertThat(decisions(plan(scene))).containsExactly("QueueVersionCheck(a)");
    }

    @Test
    void theQueuedCheckBecomesTheVerificationsCommandOnceTheAgentIsBack() {
      Scene scene = rebooting();
      scene.host("a").seenDisconnected().versionCheckQueued(Duration.ofSeconds(40), pending());

      Decision.Verify v = (Decision.Verify) plan(scene).decisions().get(0);

      assertThat(v.rebootSeen()).isTrue();
      assertThat(v.checkSent()).contains("check-a");
    }

    @Test
    void aCheckFromBeforeThisRebootIsNotUsed() {
      Scene scene = rebooting();
      scene.host("a").seenDisconnected().versionCheckQueued(Duration.ofMinutes(2), pending());

      Decision.Verify v = (Decision.Verify) plan(scene).decisions().get(0);

      assertThat(v.checkSent()).isEqualTo(Optional.empty());
    }
  }

  @Nested
  class NextStagedImageConfirmedAhead {

    private Scene oneOutOfService(Phase phase) {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene
          .host("a")
          .phase(phase, Duration.ofSeconds(20), phase == Phase.VERIFYING ? "cmd-a" : null)
          .status(InstanceStatus.DRAINING)
          .disconnected();
      scene.host("b").phase(Phase.STAGED, Duration.ofMinutes(5), null).tasks();
      return scene;
    }

    @Test
    void whileTheSlotIsHeldByARebootTheNextStagedHostIsAskedButNotDrained() {
      Planner.Plan plan = plan(oneOutOfService(Phase.REBOOTING));

      assertThat(decisions(plan)).containsExactly("QueueVersionCheck(a)", "Probe(b)");
      assertThat(line(plan, "b").reason()).contains(Reason.NO_DRAIN_SLOT);
    }

    @Test
    void aConfirmedImageStillWaitsForTheSlot() {
      Scene scene = oneOutOfService(Phase.REBOOTING);
      scene.host("b").probed(Duration.ofSeconds(5), status("synthetic-ecs-staged.json"));

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).doesNotContain("StartDrain(b)", "Probe(b)");
      assertThat(line(plan, "b").reason()).contains(Reason.NO_DRAIN_SLOT);
    }

    @Test
    void whileTheSlotIsHeldByADrainNothingIsAskedAhead() {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene
          .host("a")
          .phase(Phase.DRAINING, Duration.ofSeconds(20), null)
          .status(InstanceStatus.DRAINING)
          .tasks(serviceTask("t1", "web", 256, 512));
      scene.host("b").phase(Phase.STAGED, Duration.ofMinutes(5), null).tasks();

      assertThat(decisions(plan(scene))).doesNotContain("Probe(b)");
    }

    @Test
    void oneSlotFreeingSoonServesOneStagedHost() {
      Scene scene = oneOutOfService(Phase.VERIFYING);
      scene.host("c").phase(Phase.STAGED, Duration.ofMinutes(1), null).tasks();

      List<String> d = decisions(plan(scene));

      assertThat(d.stream().filter(x -> x.startsWith("Probe(")).count()).isEqualTo(1);
      assertThat(d).doesNotContain("StartDrain(b)", "StartDrain(c)");
    }

    @Test
    void theConfirmedImageDrainsAtOnceWhenTheSlotFrees() {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene.host("a");
      scene
          .host("b")
          .phase(Phase.STAGED, Duration.ofMinutes(5), null)
          .tasks()
          .probed(Duration.ofSeconds(30), status("synthetic-ecs-staged.json"));

      assertThat(decisions(plan(scene))).containsExactly("StartDrain(b)");
    }
  }

  @Nested
  class ActivationReadWithoutItsReply {

    private Scene activating(Duration ago) {
      Scene scene = new Scene().services(daemon("agent"));
      scene
          .host("a")
          .phase(Phase.ACTIVATING, ago, "cmd-a")
          .status(InstanceStatus.DRAINING)
          .replied(pending());
      return scene;
    }

    @Test
    void rightAfterTheActivationItsReplyIsAwaited() {
      assertThat(plan(activating(Duration.ofSeconds(1))).decisions()).isEmpty();
    }

    @Test
    void onceItCouldHaveRunTheStateIsReadWhileItsReplyIsStillPending() {
      assertThat(decisions(plan(activating(Duration.ofSeconds(3))))).containsExactly("Probe(a)");
    }

    @Test
    void aReadyUpdateRebootsWhenOnlyDaemonTasksRun() {
      Scene scene = activating(Duration.ofSeconds(5));
      scene
          .host("a")
          .tasks(serviceTask("d1", "agent", 128, 128))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));

      assertThat(decisions(plan(scene))).containsExactly("Reboot(a)");
    }

    @Test
    void aReadyUpdateReadsTheTasksBeforeTheReboot() {
      Scene scene = activating(Duration.ofSeconds(5));
      scene.host("a").probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));

      assertThat(decisions(plan(scene))).containsExactly("InspectTasks(a)");
    }

    @Test
    void aReadyUpdateDoesNotRebootWhileAServiceTaskRuns() {
      Scene scene = activating(Duration.ofSeconds(5));
      scene.services(daemon("agent"), service("web", 2, 2));
      scene
          .host("a")
          .tasks(serviceTask("t1", "web", 256, 512))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));

      assertThat(decisions(plan(scene))).doesNotContain("Reboot(a)");
    }
  }

  @Nested
  class DownloadAskedWhenItMatters {

    private Scene downloading(Phase other) {
      Scene scene = new Scene();
      scene
          .host("a")
          .phase(Phase.STAGING, Duration.ofMinutes(1), "cmd-a")
          .replied(status("synthetic-ecs-available.json"))
          .probed(Duration.ofSeconds(6), error(HostError.Kind.LOCKED));
      if (other != null) {
        scene
            .host("b")
            .phase(other, Duration.ofSeconds(20), null)
            .status(InstanceStatus.DRAINING)
            .tasks(serviceTask("t1", "web", 256, 512));
      }
      return scene;
    }

    @Test
    void withASlotFreeTheDownloadIsAskedAbout() {
      assertThat(decisions(plan(downloading(null)))).containsExactly("Probe(a)");
    }

    @Test
    void withTheSlotHeldByADrainTheDownloadIsNotAskedAbout() {
      Planner.Plan plan = plan(downloading(Phase.DRAINING).services(service("web", 2, 2)));

      assertThat(decisions(plan)).doesNotContain("Probe(a)");
      assertThat(line(plan, "a").detail()).startsWith("downloading");
    }

    @Test
    void withTheSlotAboutToFreeTheDownloadIsAskedAbout() {
      Scene scene = downloading(Phase.REBOOTING);
      scene.host("b").disconnected();

      assertThat(decisions(plan(scene))).contains("Probe(a)");
    }

    @Test
    void afterStageTimeoutTheDownloadIsAskedAboutWhateverTheSlots() {
      Scene scene = downloading(Phase.DRAINING).services(service("web", 2, 2));
      // The last answer came before the limit: one read sent now decides.
      scene
          .host("a")
          .phase(Phase.STAGING, Duration.ofMinutes(21), "cmd-a")
          .probed(Duration.ofMinutes(2), error(HostError.Kind.LOCKED));

      assertThat(decisions(plan(scene))).contains("Probe(a)");
    }
  }
}
