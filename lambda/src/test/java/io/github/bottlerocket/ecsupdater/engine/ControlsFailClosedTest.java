package io.github.bottlerocket.ecsupdater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
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
              assertThat(line.reason()).contains(Reason.OPTED_OUT.name());
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
}
