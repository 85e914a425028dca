package io.github.bottlerocket.ecsupdater.engine.run;

import static io.github.bottlerocket.ecsupdater.testing.Scene.NEW;
import static io.github.bottlerocket.ecsupdater.testing.Scene.serviceTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.Lifecycle;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.FaultyPorts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A transient fault (throttling or a 5xx beyond the SDK's retries) at any one call of a
 * two-instance update: a throttled call that never reached AWS, or a call AWS carried out whose
 * answer was lost, in a pass that has time left or in one whose time runs out right then. The fault
 * ends no pass that has time left, no instance is failed for it, no safety rule breaks, and the
 * next passes finish the update with no failure record. (A fault in one instance's step leaves that
 * step to the next observation; when nothing else is under way the pass settles there, and the next
 * pass takes it up.)
 */
class TransientFaultAtEveryCallTest {
  private static final Map<String, String> ENV =
      Map.of("POLL_INTERVAL", "5s", "DEADLINE_MARGIN", "1s");

  /** Two instances to update, a service with room on a host the updater never touches. */
  private static FakeCluster twoInstanceUpdate() {
    FakeCluster cluster = new FakeCluster();
    FakeCluster.Host spare = cluster.host("zz-spare");
    spare.bottlerocket = false;
    spare.registered = new Resources(8192, 16384);
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    for (String id : List.of("a", "b")) {
      FakeCluster.Host h = cluster.host(id);
      h.offered = NEW;
      h.tasks.add(serviceTask("t-" + id, "web", 256, 512));
    }
    return cluster;
  }

  private static PassReport pass(FakeCluster cluster, FaultyPorts ports, PassOptions options) {
    return pass(
        cluster,
        ports,
        options,
        Deadline.at(cluster.clock.instant().plus(Duration.ofMinutes(14)), cluster.clock));
  }

  private static PassReport pass(
      FakeCluster cluster, FaultyPorts ports, PassOptions options, Deadline deadline) {
    AtomicInteger runs = new AtomicInteger();
    PassReport report =
        new Reconciler(
                ports,
                ports,
                Settings.fromEnvironment(ENV),
                cluster.clock,
                cluster.sleeper(),
                new PassListener() {},
                () -> "run-" + runs.incrementAndGet())
            .run(FakeCluster.CLUSTER, options, deadline);
    assertThat(report.transitions()).allMatch(Lifecycle::allows, "an arrow of Lifecycle");
    return report;
  }

  /** What happens to the pass once the fault has struck. */
  enum Then {
    /** It has time left: it waits and looks again. */
    GOES_ON,
    /** Its time is up at once (the Lambda ends): the next pass goes on. */
    STOPS
  }

  /**
   * Every call of an update without faults gets, in turn, a throttling before it reached AWS, a 5xx
   * after AWS carried it out, and the same 5xx in a pass that then has no time left.
   */
  static Stream<Arguments> everyCall() {
    FakeCluster clean = twoInstanceUpdate();
    FaultyPorts ports = new FaultyPorts(clean);
    pass(clean, ports, PassOptions.DEFAULT);
    List<String> calls = ports.calls();
    return IntStream.rangeClosed(1, calls.size())
        .boxed()
        .flatMap(
            n ->
                Stream.of(
                    Arguments.of(
                        n,
                        calls.get(n - 1),
                        AwsFault.Kind.THROTTLED,
                        FaultyPorts.When.BEFORE,
                        Then.GOES_ON),
                    Arguments.of(
                        n,
                        calls.get(n - 1),
                        AwsFault.Kind.UNAVAILABLE,
                        FaultyPorts.When.AFTER,
                        Then.GOES_ON),
                    Arguments.of(
                        n,
                        calls.get(n - 1),
                        AwsFault.Kind.UNAVAILABLE,
                        FaultyPorts.When.AFTER,
                        Then.STOPS)));
  }

  @ParameterizedTest(name = "call {0} ({1}): {2} {3} it reached AWS, then the pass {4}")
  @MethodSource("everyCall")
  void aTransientFaultAtAnyCallIsWaitedOutAndTheUpdateFinishesWithoutAFailure(
      int n, String call, AwsFault.Kind kind, FaultyPorts.When when, Then then) {
    FakeCluster cluster = twoInstanceUpdate();
    FaultyPorts ports = new FaultyPorts(cluster).failCall(n, kind, when);

    PassReport faulted =
        then == Then.GOES_ON
            ? pass(cluster, ports, PassOptions.DEFAULT)
            : pass(
                cluster,
                ports,
                PassOptions.DEFAULT,
                () -> ports.failed().isEmpty() ? Duration.ofHours(1) : Duration.ZERO);
    PassReport next = pass(cluster, ports, PassOptions.DEFAULT);
    PassReport check =
        pass(cluster, ports, new PassOptions(false, false, true, OptionalInt.empty()));

    assertThat(ports.failed()).as("the fault struck").hasSize(1);
    List<Transition> failures =
        Stream.of(faulted, next, check)
            .flatMap(r -> r.transitions().stream())
            .filter(t -> t.kind() == Transition.Kind.FAILED)
            .toList();
    if (then == Then.GOES_ON) {
      assertThat(faulted.error()).as("the fault ended no pass").isEmpty();
      assertThat(faulted.stopReason()).isEqualTo(PassReport.StopReason.SETTLED);
    }
    assertThat(faulted.faults())
        .containsExactly(new PassReport.Fault(ports.failed().get(0).split(" ")[0], kind.name(), 1));
    assertThat(next.error()).isEmpty();
    assertThat(failures).as("instances failed").isEmpty();
    assertThat(cluster.log)
        .as("no failure record written")
        .noneMatch(l -> l.startsWith("ecs:PutAttributes") && l.contains(" failure="));
    assertThat(cluster.hosts.values().stream().filter(h -> h.bottlerocket))
        .allSatisfy(
            h -> {
              assertThat(h.active).isEqualTo(NEW);
              assertThat(h.status).isEqualTo(InstanceStatus.ACTIVE);
              assertThat(h.attributes).isEmpty();
              assertThat(h.rebootedWithTasks).isEmpty();
            });
    assertThat(cluster.maxDraining).isEqualTo(1);
    assertThat(cluster.drainedWithoutRecord).isEmpty();
    assertThat(check.instances().stream().filter(i -> i.variant().isPresent()))
        .allSatisfy(i -> assertThat(i.outcome()).isEqualTo(Outcome.UP_TO_DATE));
  }
}
