package io.github.bottlerocket.ecsupdater.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the line of an idle instance that cannot be checked says happens next, against the passes
 * that follow once the obstacle is gone. Over the fake cluster rather than the simulated one: the
 * simulation has no way for someone else to drain an instance or cut its agent off without breaking
 * its own invariants, and these are the same code paths.
 */
class IdleNextSentenceTest {
  private static final Map<String, String> ENV =
      Map.of("CHECK_INTERVAL", "30m", "POLL_INTERVAL", "5s", "DEADLINE_MARGIN", "1s");

  private static PassReport pass(FakeCluster cluster) {
    return new Reconciler(
            cluster,
            cluster,
            Settings.fromEnvironment(ENV),
            cluster.clock,
            cluster.sleeper(),
            new PassListener() {},
            () -> "run")
        .run(
            FakeCluster.CLUSTER,
            PassOptions.DEFAULT,
            Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));
  }

  private static InstanceReport line(PassReport r, String id) {
    return r.instances().stream()
        .filter(i -> i.ec2InstanceId().equals(Scene.ec2(id)))
        .findFirst()
        .orElseThrow();
  }

  private static long checksOf(FakeCluster cluster, String id) {
    return cluster.log.stream()
        .filter(l -> l.startsWith("ssm:SendCommand CHECK "))
        .filter(l -> l.contains(Scene.ec2(id)))
        .count();
  }

  static Stream<Arguments> obstacles() {
    return Stream.of(
        Arguments.of(
            Reason.NOT_ACTIVE,
            "checked at the first update check once ACTIVE",
            (Consumer<FakeCluster.Host>) h -> h.status = InstanceStatus.DRAINING,
            (Consumer<FakeCluster.Host>) h -> h.status = InstanceStatus.ACTIVE),
        Arguments.of(
            Reason.AGENT_DISCONNECTED,
            "checked at the first update check once the agent reconnects",
            (Consumer<FakeCluster.Host>) h -> h.agentConnected = false,
            (Consumer<FakeCluster.Host>) h -> h.agentConnected = true));
  }

  /**
   * The instance is checked with the cluster's next update check after the obstacle went, not at
   * the first pass after it: checks are made for the whole cluster every CHECK_INTERVAL.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("obstacles")
  void anInstanceThatCouldNotBeCheckedIsCheckedAtTheFirstUpdateCheckOnceItCanBe(
      Reason reason,
      String next,
      Consumer<FakeCluster.Host> obstruct,
      Consumer<FakeCluster.Host> clear) {
    FakeCluster cluster = new FakeCluster();
    FakeCluster.Host a = cluster.host("a");
    cluster.host("b");
    obstruct.accept(a);

    PassReport first = pass(cluster);
    assertThat(line(first, "a").reason()).hasValue(reason);
    assertThat(line(first, "a").next()).isEqualTo(next);
    assertThat(checksOf(cluster, "a")).isZero();
    assertThat(checksOf(cluster, "b")).as("the cluster was checked").isEqualTo(1);

    clear.accept(a);
    cluster.clock.advance(Duration.ofMinutes(5));
    pass(cluster);
    assertThat(checksOf(cluster, "a")).as("checked before the next update check").isZero();

    cluster.clock.advance(Duration.ofMinutes(26));
    pass(cluster);
    assertThat(checksOf(cluster, "a")).as("checked at the next update check").isEqualTo(1);
  }
}
