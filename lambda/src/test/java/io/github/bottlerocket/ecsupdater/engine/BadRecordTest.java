package io.github.bottlerocket.ecsupdater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.run.Reconciler;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input in the cluster itself: the updater's attributes on an instance edited by hand into
 * something it cannot read. The instance is reported and left exactly as it is, although its host
 * offers an update.
 */
class BadRecordTest {
  private final FakeCluster cluster = new FakeCluster();

  static Stream<Arguments> unreadableAttributes() {
    return Stream.of(
        Arguments.of(
            "a state with parts missing",
            Map.of(StateAttributes.STATE, "DRAINING/garbage"),
            "bottlerocket-ecs-updater.state: expected 6 parts separated by '/', found 2 in 'DRAINING/garbage'"),
        Arguments.of(
            "a state with an unknown phase",
            Map.of(StateAttributes.STATE, "WAITING/-/-/1/-/-"),
            "bottlerocket-ecs-updater.state: unknown phase 'WAITING'"),
        Arguments.of(
            "a state whose time is not a number",
            Map.of(StateAttributes.STATE, "STAGED/1.20.0/1.20.1/yesterday/-/-"),
            "bottlerocket-ecs-updater.state: the phase start 'yesterday' is not a time in epoch milliseconds"),
        Arguments.of(
            "a state whose time is past the year 9999",
            Map.of(StateAttributes.STATE, "STAGED/1.20.0/1.20.1/9223372036854775807/-/-"),
            "bottlerocket-ecs-updater.state: the phase start '9223372036854775807' is not a time between the years 1970 and 9999"),
        Arguments.of(
            "a state without a value",
            Map.of(StateAttributes.STATE, ""),
            "bottlerocket-ecs-updater.state: the attribute has no value"),
        Arguments.of(
            "a failure with an unknown reason",
            Map.of(StateAttributes.FAILURE, "OOPS/STAGED/-/1/1"),
            "bottlerocket-ecs-updater.failure: unknown failure reason 'OOPS'"),
        Arguments.of(
            "both unreadable",
            Map.of(
                StateAttributes.STATE,
                "x",
                StateAttributes.FAILURE,
                "DRAIN_TIMEOUT/DRAINING/-/1/0"),
            "bottlerocket-ecs-updater.state: expected 6 parts separated by '/', found 1 in 'x'; "
                + "bottlerocket-ecs-updater.failure: the failure count must be at least 1, got 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadableAttributes")
  void anInstanceWithUnreadableAttributesIsReportedAndLeftAlone(
      String name, Map<String, String> attributes, String detail) {
    FakeCluster.Host a = cluster.host("a");
    a.offered = Scene.NEW;
    a.attributes.putAll(attributes);

    PassReport report =
        new Reconciler(
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

    assertThat(report.error()).isEmpty();
    assertThat(report.instances())
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.outcome()).isEqualTo(Outcome.FAILED);
              assertThat(line.reason()).contains(Reason.STATE_UNREADABLE);
              assertThat(line.detail()).isEqualTo(detail);
              assertThat(line.next())
                  .isEqualTo("nothing until an operator fixes or deletes the attributes");
            });
    assertThat(cluster.changes()).isEmpty();
    assertThat(a.attributes).isEqualTo(new HashMap<>(attributes));
    assertThat(a.status).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(a.staged).isNull();
  }
}
