package io.github.bottlerocket.ecsupdater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.run.Reconciler;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's controls that keep the updater away fail closed: a value they do not understand
 * keeps it away, and only an explicit "no" lets it in. Each case runs a real pass over a fake
 * cluster whose host offers an update, and asserts that nothing changed.
 */
class ControlsFailClosedTest {
  private final FakeCluster cluster = new FakeCluster();

  private PassReport pass() {
    return new Reconciler(
            cluster,
            cluster,
            Settings.fromEnvironment(Map.of()),
            cluster.clock,
            cluster.sleeper(),
            PassListener.NONE)
        .run(
            FakeCluster.CLUSTER,
            PassOptions.DEFAULT,
            Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));
  }

  private FakeCluster.Host updatable() {
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;
    return a;
  }

  private void assertNothingChanged(FakeCluster.Host a) {
    assertThat(cluster.changes()).isEmpty();
    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(a.staged).isNull();
    assertThat(a.attributes).doesNotContainKeys(StateAttributes.STATE, StateAttributes.FAILURE);
  }

  /** The empty value is how the ECS adapter reads an attribute ECS holds without a value. */
  @ParameterizedTest(name = "opt-out=''{0}''")
  @ValueSource(strings = {"", "true", "yes", "no", "0", "off", "please", " "})
  void anOptOutWithAnyValueButFalseKeepsTheUpdaterAway(String value) {
    FakeCluster.Host a = updatable();
    a.attributes.put(StateAttributes.OPT_OUT, value);

    PassReport report = pass();

    assertThat(report.instances())
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.outcome()).isEqualTo(Outcome.SKIPPED);
              assertThat(line.reason()).contains(Reason.OPTED_OUT);
            });
    assertNothingChanged(a);
    assertThat(cluster.log).noneMatch(l -> l.startsWith("ssm:SendCommand"));
  }

  @ParameterizedTest(name = "opt-out=''{0}''")
  @ValueSource(strings = {"false", "FALSE", " False "})
  void anOptOutOfFalseLetsTheUpdaterIn(String value) {
    FakeCluster.Host a = updatable();
    a.attributes.put(StateAttributes.OPT_OUT, value);

    pass();

    assertThat(cluster.changes()).isNotEmpty();
  }

  @ParameterizedTest(name = "paused=''{0}''")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "true  | the cluster carries the tag bottlerocket-ecs-updater:paused=true",
        "yes   | the cluster carries the tag bottlerocket-ecs-updater:paused=yes",
        "1     | the cluster carries the tag bottlerocket-ecs-updater:paused=1",
        "ON    | the cluster carries the tag bottlerocket-ecs-updater:paused=ON",
        "maybe | the cluster tag bottlerocket-ecs-updater:paused has the value 'maybe', which is not"
            + " understood, so the cluster is paused; set it to one of false, no, 0, off (or delete it)"
            + " to resume, or to one of true, yes, 1, on to pause",
        "\"\"    | the cluster tag bottlerocket-ecs-updater:paused has an empty value, which is not"
            + " understood, so the cluster is paused; set it to one of false, no, 0, off (or delete it)"
            + " to resume, or to one of true, yes, 1, on to pause",
      })
  void aPauseTagWithAnyValueButANoPausesTheClusterAndSaysWhy(String value, String detail) {
    FakeCluster.Host a = updatable();
    cluster.tags.put(StateAttributes.PAUSED_TAG, value);

    PassReport report = pass();

    assertThat(report.cluster()).hasValueSatisfying(c -> assertThat(c.paused()).isTrue());
    assertThat(report.instances())
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.reason()).contains(Reason.PAUSED);
              assertThat(line.detail()).isEqualTo(detail);
            });
    assertNothingChanged(a);
    assertThat(cluster.log)
        .noneMatch(l -> l.startsWith("ssm:SendCommand") || l.startsWith("ecs:TagResource"));
  }

  @ParameterizedTest(name = "paused=''{0}''")
  @ValueSource(strings = {"false", "no", "0", "off", " Off "})
  void aPauseTagOfANoLetsTheUpdaterIn(String value) {
    updatable();
    cluster.tags.put(StateAttributes.PAUSED_TAG, value);

    PassReport report = pass();

    assertThat(report.cluster()).hasValueSatisfying(c -> assertThat(c.paused()).isFalse());
    assertThat(cluster.changes()).isNotEmpty();
  }

  @ParameterizedTest(name = "the value repeated is cut: {0} characters")
  @ValueSource(ints = {101, 5000})
  void aLongPauseTagValueIsRepeatedCut(int length) {
    updatable();
    cluster.tags.put(StateAttributes.PAUSED_TAG, "p".repeat(length));

    PassReport report = pass();

    assertThat(report.instances().get(0).detail())
        .contains("has the value '" + "p".repeat(100) + "...' (" + length + " characters)")
        .hasSizeLessThan(400);
  }
}
