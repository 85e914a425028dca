package io.github.bottlerocket.ecsupdater.engine.plan;

import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.decisions;
import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.line;
import static io.github.bottlerocket.ecsupdater.engine.plan.PlanTables.plan;
import static io.github.bottlerocket.ecsupdater.testing.Scene.NEW;
import static io.github.bottlerocket.ecsupdater.testing.Scene.OLD;
import static io.github.bottlerocket.ecsupdater.testing.Scene.T0;
import static io.github.bottlerocket.ecsupdater.testing.Scene.daemon;
import static io.github.bottlerocket.ecsupdater.testing.Scene.service;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static io.github.bottlerocket.ecsupdater.testing.Scene.status;
import static io.github.bottlerocket.ecsupdater.testing.Scene.stoppedTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.BakeRecord;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FirstSeen;
import io.github.bottlerocket.ecsupdater.engine.GateFacts;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.RolloutStatus;
import io.github.bottlerocket.ecsupdater.engine.VersionLedger;
import io.github.bottlerocket.ecsupdater.model.AlarmState;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rollout gates as planner tables: each holds new downloads and drains with its reason and says
 * until when; none ever holds work under way; a dry run sees what a real pass sees.
 */
class RolloutGatesPlannerTest {
  private static final Instant DAY_AGO = T0.minus(Duration.ofDays(1));

  /** Host a was just checked and is offered NEW; its tasks are known. */
  private static Scene offered() {
    Scene scene = new Scene().checked(Map.of("a", status("synthetic-ecs-available.json")));
    scene.host("a").tasks(serviceTask("t1", "web", 256, 512));
    return scene;
  }

  /** Host a has NEW staged and confirmed; a drain would start now. */
  private static Scene staged() {
    Scene scene = new Scene().services(service("web", 2, 2));
    scene
        .host("a")
        .phase(Phase.STAGED)
        .tasks(serviceTask("t1", "web", 512, 1024))
        .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
    scene.host("b").free(1024, 2048);
    return scene;
  }

  /** Host a is drained and about to be activated: work under way. */
  private static Scene drained() {
    Scene scene = new Scene().services(service("web", 2, 2), daemon("agent"));
    scene
        .host("a")
        .phase(Phase.DRAINING, Duration.ofMinutes(1), null)
        .status(InstanceStatus.DRAINING)
        .tasks(stoppedTask("t1", "web"));
    return scene;
  }

  private static String ledger(String version, int peak, int total, Instant since, int failures) {
    return new VersionLedger(
            Map.of(
                version, new VersionLedger.Entry(peak, total, since, Optional.empty(), failures)))
        .encode();
  }

  /** Every gate, set to hold. */
  static Stream<Arguments> holdingGates() {
    return Stream.of(
        Arguments.of(
            "a closed change calendar",
            (Consumer<Scene>)
                s ->
                    s.set("CHANGE_CALENDARS", "freeze")
                        .calendar(false, Optional.of(T0.plus(Duration.ofHours(2)))),
            Reason.CALENDAR_CLOSED,
            "change calendar freeze is CLOSED; opens at 2026-11-26T12:00:00Z"),
        Arguments.of(
            "an alarm in ALARM",
            (Consumer<Scene>)
                s ->
                    s.set("ALARM_NAMES", "HighErrors")
                        .alarm("HighErrors", AlarmState.State.ALARM, DAY_AGO),
            Reason.ALARM_NOT_OK,
            "HighErrors in ALARM since 2026-11-25T10:00:00Z"),
        Arguments.of(
            "an alarm without data",
            (Consumer<Scene>)
                s ->
                    s.set("ALARM_NAMES", "HighErrors")
                        .alarm("HighErrors", AlarmState.State.INSUFFICIENT_DATA, DAY_AGO),
            Reason.ALARM_NOT_OK,
            "HighErrors in INSUFFICIENT_DATA since 2026-11-25T10:00:00Z (ALARM_INSUFFICIENT_DATA=hold"),
        Arguments.of(
            "an alarm that does not exist",
            (Consumer<Scene>) s -> s.set("ALARM_NAMES", "HighErrors").missingAlarm("HighErrors"),
            Reason.ALARM_NOT_OK,
            "ALARM_NAMES names alarm(s) that do not exist: HighErrors; create them, or remove them"
                + " from ALARM_NAMES"),
        Arguments.of(
            "a version above the cap",
            (Consumer<Scene>) s -> s.set("MAX_VERSION", OLD),
            Reason.VERSION_ABOVE_MAX,
            "1.20.1 is above MAX_VERSION 1.20.0"),
        Arguments.of(
            "a release younger than the soak",
            (Consumer<Scene>) s -> s.set("MIN_RELEASE_AGE", "3d").released(NEW, DAY_AGO),
            Reason.RELEASE_TOO_YOUNG,
            "1.20.1 was published at 2026-11-25T10:00:00Z"
                + " (/aws/service/bottlerocket/aws-ecs-2/x86_64/1.20.1/image_id), 1d ago;"
                + " MIN_RELEASE_AGE 3d: eligible after 2026-11-28T10:00:00Z"),
        Arguments.of(
            "a version the staging cluster has not run",
            (Consumer<Scene>)
                s ->
                    s.set("PROMOTE_FROM", "staging")
                        .promotionSource(
                            "staging",
                            Map.of(
                                VersionLedger.TAG,
                                ledger(OLD, 2, 2, DAY_AGO.minus(Duration.ofDays(5)), 0))),
            Reason.NOT_PROMOTED,
            "staging has not run 1.20.1; staging qualifies 1.20.0"));
  }

  @Nested
  class EachGate {

    @ParameterizedTest(name = "{0}")
    @MethodSource(
        "io.github.bottlerocket.ecsupdater.engine.plan.RolloutGatesPlannerTest#holdingGates")
    void holdsANewDownloadWithItsReasonAndQueuesNothing(
        String name, Consumer<Scene> gate, Reason reason, String detail) {
      Scene scene = offered();
      gate.accept(scene);

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.WAITING);
      assertThat(line(plan, "a").reason()).contains(reason);
      assertThat(line(plan, "a").detail()).contains(detail);
      assertThat(line(plan, "a").targetVersion()).contains(NEW);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(
        "io.github.bottlerocket.ecsupdater.engine.plan.RolloutGatesPlannerTest#holdingGates")
    void holdsANewDrain(String name, Consumer<Scene> gate, Reason reason, String detail) {
      Scene scene = staged();
      gate.accept(scene);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).doesNotContain("StartDrain(a)");
      assertThat(line(plan, "a").reason()).contains(reason);
      assertThat(line(plan, "a").detail()).contains(detail);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(
        "io.github.bottlerocket.ecsupdater.engine.plan.RolloutGatesPlannerTest#holdingGates")
    void neverHoldsADrainUnderWay(String name, Consumer<Scene> gate, Reason reason, String d) {
      Scene scene = drained();
      gate.accept(scene);

      assertThat(decisions(plan(scene))).containsExactly("Activate(a)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(
        "io.github.bottlerocket.ecsupdater.engine.plan.RolloutGatesPlannerTest#holdingGates")
    void neverHoldsAReboot(String name, Consumer<Scene> gate, Reason reason, String d) {
      Scene scene = new Scene().services(service("web", 2, 2));
      scene
          .host("a")
          .phase(Phase.ACTIVATING)
          .status(InstanceStatus.DRAINING)
          .replied(Scene.done())
          .tasks(stoppedTask("t1", "web"))
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-ready.json"));
      gate.accept(scene);

      assertThat(decisions(plan(scene))).containsExactly("Reboot(a)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(
        "io.github.bottlerocket.ecsupdater.engine.plan.RolloutGatesPlannerTest#holdingGates")
    void aDryRunIsHeldAlike(String name, Consumer<Scene> gate, Reason reason, String detail) {
      Scene scene = offered().options(PassOptions.dryRunOnly());
      gate.accept(scene);

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").reason()).contains(reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(
        "io.github.bottlerocket.ecsupdater.engine.plan.RolloutGatesPlannerTest#holdingGates")
    void theReportSaysInOnePlaceWhichGateHoldsWhichHost(
        String name, Consumer<Scene> gate, Reason reason, String detail) {
      Scene scene = offered();
      gate.accept(scene);

      RolloutStatus r = plan(scene).cluster().rollout();

      assertThat(r.holds())
          .singleElement()
          .satisfies(
              h -> {
                assertThat(h.reason()).isEqualTo(reason);
                assertThat(h.instances()).containsExactly("i-a");
                assertThat(h.detail()).contains(detail);
              });
      assertThat(r.gates()).anyMatch(g -> g.holding());
    }
  }

  @Nested
  class Facts {

    @Test
    void aDownloadWaitsForTheGatesToBeReadForThisObservation() {
      Scene scene = offered().set("ALARM_NAMES", "HighErrors").factsFresh(false);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("InspectGates");
      assertThat(plan.needsData()).isTrue();
    }

    @Test
    void aDrainAsksForTheGatesOnlyOnceASlotIsFree() {
      Scene scene = staged().set("ALARM_NAMES", "HighErrors").factsFresh(false);
      scene.host("c").status(InstanceStatus.DRAINING);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).isEmpty();
      assertThat(line(plan, "a").reason()).contains(Reason.NO_DRAIN_SLOT);
    }

    @Test
    void aReleaseWhoseDateIsNotKnownIsAskedFor() {
      Scene scene = offered().set("MIN_RELEASE_AGE", "3d");

      Decision.InspectGates ask = (Decision.InspectGates) plan(scene).decisions().get(0);

      assertThat(ask.releases()).containsExactly(GateFacts.releaseKey("aws-ecs-2", "x86_64", NEW));
    }

    @Test
    void anArmHostAsksForItsArchitecturesRelease() {
      Scene scene = offered().set("MIN_RELEASE_AGE", "3d");
      scene.host("a").architecture("arm64");

      Decision.InspectGates ask = (Decision.InspectGates) plan(scene).decisions().get(0);

      assertThat(ask.releases()).containsExactly("aws-ecs-2/arm64/" + NEW);
    }

    @Test
    void manyHostsAskForTheirReleasesInOneRead() {
      Scene scene =
          new Scene()
              .set("MIN_RELEASE_AGE", "3d")
              .checked(
                  Map.of(
                      "a", status("synthetic-ecs-available.json"),
                      "b", status("synthetic-ecs-available.json")));
      scene.host("a").tasks();
      scene.host("b").tasks().architecture("arm64");

      List<Decision> d = plan(scene).decisions();

      assertThat(d).singleElement().isInstanceOf(Decision.InspectGates.class);
      assertThat(((Decision.InspectGates) d.get(0)).releases()).hasSize(2);
    }
  }

  @Nested
  class Calendars {

    @Test
    void anOpenCalendarLetsTheDownloadStart() {
      Scene scene = offered().set("CHANGE_CALENDARS", "freeze").calendar(true, Optional.empty());

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void aCalendarThatCannotBeReadHolds() {
      Scene scene = offered().set("CHANGE_CALENDARS", "freeze").calendarUnreadable("AccessDenied");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").detail())
          .isEqualTo("CHANGE_CALENDARS (freeze) cannot be read: AccessDenied");
    }

    @Test
    void aClosedCalendarHoldsTheUpdateCheckAsAClosedWindowDoes() {
      Scene scene = new Scene().set("CHANGE_CALENDARS", "freeze").calendar(false, Optional.empty());
      scene.host("a");

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").outcome()).isEqualTo(Outcome.NOT_CHECKED);
      assertThat(line(plan, "a").reason()).contains(Reason.CALENDAR_CLOSED);
    }
  }

  @Nested
  class Alarms {

    @Test
    void alarmsThatAreOkLetTheDrainStart() {
      Scene scene =
          staged()
              .set("ALARM_NAMES", "HighErrors")
              .alarm("HighErrors", AlarmState.State.OK, DAY_AGO);

      assertThat(decisions(plan(scene))).containsExactly("StartDrain(a)");
    }

    @Test
    void insufficientDataCountsAsOkWhenSetSo() {
      Scene scene =
          staged()
              .set("ALARM_NAMES", "HighErrors")
              .set("ALARM_INSUFFICIENT_DATA", "ok")
              .alarm("HighErrors", AlarmState.State.INSUFFICIENT_DATA, DAY_AGO);

      assertThat(decisions(plan(scene))).containsExactly("StartDrain(a)");
    }

    @Test
    void aQueuedUpdateWaitsForTheAlarmAndStaysQueued() {
      Scene scene =
          new Scene()
              .set("ALARM_NAMES", "HighErrors")
              .alarm("HighErrors", AlarmState.State.ALARM, DAY_AGO);
      scene.host("a").phase(Phase.QUEUED).tasks(serviceTask("t1", "web", 256, 512));

      Planner.Plan plan = plan(scene);

      assertThat(plan.decisions()).isEmpty();
      assertThat(line(plan, "a").phase()).contains(Phase.QUEUED);
      assertThat(line(plan, "a").reason()).contains(Reason.ALARM_NOT_OK);
    }
  }

  @Nested
  class Versions {

    @Test
    void aVersionAtTheCapIsTaken() {
      Scene scene = offered().set("MAX_VERSION", NEW);

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void aQueuedVersionThatNoLongerQualifiesIsReleasedForTheNextCheck() {
      Scene scene = new Scene().set("MAX_VERSION", OLD);
      scene.host("a").phase(Phase.QUEUED).tasks(serviceTask("t1", "web", 256, 512));

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("Release(a)");
      assertThat(line(plan, "a").reason()).contains(Reason.VERSION_ABOVE_MAX);
    }

    @Test
    void aStagedVersionTheGatesRefuseStaysInactiveAndIsReleased() {
      Scene scene = staged().set("MAX_VERSION", OLD);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan)).containsExactly("Release(a)");
      assertThat(line(plan, "a").detail()).endsWith("; the staged image stays inactive");
    }

    @Test
    void aReleaseOldEnoughIsTaken() {
      Scene scene =
          offered().set("MIN_RELEASE_AGE", "3d").released(NEW, T0.minus(Duration.ofDays(4)));

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void anExpeditedReleaseSkipsTheSoakButNotTheCap() {
      Scene scene =
          offered()
              .set("MIN_RELEASE_AGE", "3d")
              .set("EXPEDITE_VERSIONS", NEW)
              .released(NEW, T0.minusSeconds(60));
      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");

      scene.set("MAX_VERSION", OLD);
      assertThat(line(plan(scene), "a").reason()).contains(Reason.VERSION_ABOVE_MAX);
    }

    @Test
    void withoutAPublicParameterTheAgeCountsFromWhenTheClusterFirstSawIt() {
      Scene scene =
          offered()
              .set("MIN_RELEASE_AGE", "3d")
              .unpublished(NEW)
              .clusterTag(
                  FirstSeen.TAG, FirstSeen.EMPTY.with(NEW, T0.minus(Duration.ofDays(2))).encode());

      InstanceReport line = line(plan(scene), "a");

      assertThat(line.reason()).contains(Reason.RELEASE_TOO_YOUNG);
      assertThat(line.detail())
          .startsWith("1.20.1 was first offered in this cluster at 2026-11-24T10:00:00Z")
          .contains("eligible after 2026-11-27T10:00:00Z");
      assertThat(line.next())
          .isEqualTo(
              "checked and started by a later pass after 2026-11-27T10:00:00Z if nothing else"
                  + " holds it");
    }

    @Test
    void aReleaseNeverSeenBeforeIsYoungestOfAll() {
      Scene scene = offered().set("MIN_RELEASE_AGE", "1h").unpublished(NEW);

      assertThat(line(plan(scene), "a").detail())
          .contains("first offered in this cluster at 2026-11-26T10:00:00Z")
          .contains("eligible after 2026-11-26T11:00:00Z");
    }
  }

  @Nested
  class Promotion {

    private Scene promoting(String ledger) {
      return offered()
          .set("PROMOTE_FROM", "staging")
          .set("PROMOTE_SOAK", "1d")
          .promotionSource("staging", Map.of(VersionLedger.TAG, ledger));
    }

    @Test
    void aVersionThatRanOnEveryStagingHostForTheSoakIsTaken() {
      Scene scene = promoting(ledger(NEW, 3, 3, T0.minus(Duration.ofHours(25)), 0));

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void aVersionStillSoakingWaitsAndSaysWhenItIsPromoted() {
      Scene scene = promoting(ledger(NEW, 3, 3, T0.minus(Duration.ofHours(5)), 0));

      InstanceReport line = line(plan(scene), "a");

      assertThat(line.reason()).contains(Reason.NOT_PROMOTED);
      assertThat(line.detail())
          .isEqualTo(
              "1.20.1 has run on 3 host(s) of staging since 2026-11-26T05:00:00Z; PROMOTE_SOAK 1d:"
                  + " promoted after 2026-11-27T05:00:00Z; staging qualifies no version yet");
    }

    @Test
    void aVersionOnTooFewStagingHostsWaits() {
      Scene scene = promoting(ledger(NEW, 2, 3, T0.minus(Duration.ofDays(3)), 0));

      assertThat(line(plan(scene), "a").detail())
          .startsWith(
              "1.20.1 ran on at most 2 host(s) of staging at once, and needs 3 (all of them)");
    }

    @Test
    void promoteMinHostsIsEnough() {
      Scene scene =
          promoting(ledger(NEW, 2, 3, T0.minus(Duration.ofDays(3)), 0))
              .set("PROMOTE_MIN_HOSTS", "2");

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void aFailureRecordedOnStagingHoldsTheVersion() {
      Scene scene = promoting(ledger(NEW, 3, 3, T0.minus(Duration.ofDays(3)), 1));

      assertThat(line(plan(scene), "a").detail())
          .startsWith("1 host(s) of staging carry a failed update to 1.20.1");
    }

    @Test
    void aStagingClusterThatCannotBeReadHolds() {
      Scene scene =
          offered().set("PROMOTE_FROM", "staging").promotionUnreadable("cluster not found");

      assertThat(line(plan(scene), "a").detail())
          .isEqualTo("PROMOTE_FROM staging cannot be read: cluster not found");
    }

    @Test
    void theLedgerRoundTripsAndQualifiesOnlyAfterTheSoak() {
      VersionLedger l =
          VersionLedger.EMPTY
              .completed(NEW, Optional.of(OLD), T0, 2)
              .completed(NEW, Optional.of(OLD), T0.plusSeconds(600), 2);

      VersionLedger read = VersionLedger.decode(l.encode());

      assertThat(read).isEqualTo(l);
      assertThat(read.get(NEW).orElseThrow().peak()).isEqualTo(2);
      assertThat(read.qualifiesAt(NEW, OptionalInt.empty(), Duration.ofDays(1)))
          .contains(T0.plusSeconds(600).plus(Duration.ofDays(1)));
      assertThat(read.get(OLD)).isEmpty();
    }

    @Test
    void aVersionWhoseRunEndedBeforeTheSoakNeverQualifies() {
      VersionLedger l =
          VersionLedger.EMPTY
              .completed(OLD, Optional.empty(), T0, 1)
              .completed(NEW, Optional.of(OLD), T0.plus(Duration.ofHours(2)), 1);

      assertThat(l.qualifiesAt(OLD, OptionalInt.empty(), Duration.ofDays(1))).isEmpty();
      assertThat(l.qualifiesAt(OLD, OptionalInt.empty(), Duration.ofHours(1)))
          .contains(T0.plus(Duration.ofHours(1)));
    }
  }

  @Nested
  class Bake {

    private Scene baking(Duration ago) {
      Scene scene = staged().set("BAKE_TIME", "10m");
      scene.clusterTag(BakeRecord.TAG, new BakeRecord(NEW, 1, "b", T0.minus(ago)).encode());
      return scene;
    }

    @Test
    void aDrainWaitsUntilTheBakeAfterTheLastUpdatePassed() {
      Planner.Plan plan = plan(baking(Duration.ofMinutes(4)));

      assertThat(decisions(plan)).doesNotContain("StartDrain(a)");
      assertThat(line(plan, "a").reason()).contains(Reason.BAKING);
      assertThat(line(plan, "a").detail())
          .isEqualTo(
              "i-b came back on 1.20.1 at 2026-11-26T09:56:00Z; BAKE_TIME 10m: bakes until"
                  + " 2026-11-26T10:06:00Z");
      assertThat(plan.cluster().rollout().holds().get(0).until())
          .contains(Instant.parse("2026-11-26T10:06:00Z"));
    }

    @Test
    void aDrainStartsOnceTheBakePassed() {
      assertThat(decisions(plan(baking(Duration.ofMinutes(11))))).containsExactly("StartDrain(a)");
    }

    @Test
    void anAlarmThatChangedStateDuringTheBakeStartsItAgain() {
      Scene scene =
          baking(Duration.ofMinutes(11))
              .set("ALARM_NAMES", "HighErrors")
              .alarm("HighErrors", AlarmState.State.OK, T0.minus(Duration.ofMinutes(3)));

      Planner.Plan plan = plan(scene);

      assertThat(line(plan, "a").reason()).contains(Reason.BAKING);
      assertThat(line(plan, "a").detail())
          .contains("an alarm changed state at 2026-11-26T09:57:00Z")
          .endsWith("bakes until 2026-11-26T10:07:00Z");
    }

    @Test
    void aServiceBelowItsDesiredCountHoldsTheBakeDaemonsIncluded() {
      Scene scene =
          baking(Duration.ofMinutes(11))
              .services(
                  service("web", 2, 2),
                  new io.github.bottlerocket.ecsupdater.model.ServiceInfo("agent", true, 3, 2));

      Planner.Plan plan = plan(scene);

      assertThat(line(plan, "a").reason()).contains(Reason.BAKING);
      assertThat(line(plan, "a").detail()).contains("agent (daemon) 2/3");
    }

    @Test
    void theBakedHostMustBeHealthyAgain() {
      Scene scene = baking(Duration.ofMinutes(11));
      scene.host("b").disconnected();

      assertThat(line(plan(scene), "a").detail())
          .isEqualTo(
              "i-b, updated to 1.20.1, is not healthy again: status ACTIVE, agent disconnected");
    }

    @Test
    void theCanariesOfANewVersionGoOneAtATime() {
      Scene scene = staged().set("CANARY_HOSTS", "2").set("CANARY_BAKE_TIME", "1h");
      scene.host("c").phase(Phase.DRAINING).status(InstanceStatus.DRAINING);
      scene.set("MAX_CONCURRENT", "3");

      Planner.Plan plan = plan(scene);

      assertThat(line(plan, "a").reason()).contains(Reason.BAKING);
      assertThat(line(plan, "a").detail())
          .isEqualTo(
              "the first 2 host(s) of 1.20.1 (CANARY_HOSTS) update one at a time and bake; 0 done, 1"
                  + " under way");
    }

    @Test
    void twoStagedHostsDoNotBothStartAsCanariesInOnePlan() {
      Scene scene =
          new Scene()
              .services(service("web", 2, 2))
              .set("CANARY_HOSTS", "1")
              .set("MAX_CONCURRENT", "2");
      for (String h : List.of("a", "c")) {
        scene
            .host(h)
            .phase(Phase.STAGED)
            .tasks(serviceTask("t-" + h, "web", 512, 1024))
            .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));
      }
      scene.host("b").free(2048, 4096);

      Planner.Plan plan = plan(scene);

      assertThat(decisions(plan).stream().filter(d -> d.startsWith("StartDrain("))).hasSize(1);
      assertThat(
              plan.reports().stream()
                  .filter(r -> r.reason().filter(Reason.BAKING::equals).isPresent()))
          .hasSize(1);
    }

    @Test
    void afterTheLastCanaryTheLongerBakeHolds() {
      Scene scene = staged().set("CANARY_HOSTS", "1").set("CANARY_BAKE_TIME", "1h");
      scene.clusterTag(
          BakeRecord.TAG, new BakeRecord(NEW, 1, "b", T0.minus(Duration.ofMinutes(30))).encode());

      assertThat(line(plan(scene), "a").detail()).contains("CANARY_BAKE_TIME 1h");
    }

    @Test
    void aBakeNeverHoldsWorkUnderWay() {
      Scene scene = drained().set("BAKE_TIME", "1h");
      scene.clusterTag(BakeRecord.TAG, new BakeRecord(NEW, 1, "b", T0).encode());

      assertThat(decisions(plan(scene))).containsExactly("Activate(a)");
    }

    @Test
    void aBakeHoldsDrainsNotDownloads() {
      Scene scene = offered().set("BAKE_TIME", "1h");
      scene.clusterTag(BakeRecord.TAG, new BakeRecord(NEW, 1, "b", T0).encode());

      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }
  }

  @Nested
  class ShareOfTheCluster {

    @Test
    void aQuarterOfEightHostsIsTwo() {
      Scene scene = new Scene().set("MAX_CONCURRENT", "25%").services(service("web", 1, 1));
      for (String id : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
        scene.host(id);
      }
      scene.host("a").phase(Phase.DRAINING).status(InstanceStatus.DRAINING);
      scene.host("b").phase(Phase.DRAINING).status(InstanceStatus.DRAINING);
      scene
          .host("c")
          .phase(Phase.STAGED)
          .tasks()
          .probed(Duration.ofSeconds(1), status("synthetic-ecs-staged.json"));

      Planner.Plan plan = plan(scene);

      assertThat(plan.cluster().maxConcurrent()).isEqualTo(2);
      assertThat(plan.cluster().rollout().maxConcurrent()).isEqualTo("25%");
      assertThat(plan.cluster().rollout().bottlerocketInstances()).isEqualTo(8);
      assertThat(line(plan, "c").reason()).contains(Reason.NO_DRAIN_SLOT);
      assertThat(line(plan, "c").detail()).isEqualTo("2 of 2 out of service");
    }

    @Test
    void aShareOfASmallClusterIsAtLeastOne() {
      Scene scene = offered().set("MAX_CONCURRENT", "10%");

      assertThat(plan(scene).cluster().maxConcurrent()).isEqualTo(1);
      assertThat(decisions(plan(scene))).containsExactly("StartStaging(a)");
    }

    @Test
    void onlyBottlerocketInstancesCount() {
      Scene scene = new Scene().set("MAX_CONCURRENT", "50%");
      scene.host("a");
      scene.host("b");
      scene.host("c").notBottlerocket();
      scene.host("d").notBottlerocket();

      assertThat(plan(scene).cluster().maxConcurrent()).isEqualTo(1);
    }
  }
}
