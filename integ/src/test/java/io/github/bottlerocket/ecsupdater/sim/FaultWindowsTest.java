package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** A window in which a whole service throttles, and per-operation rate limits in virtual time. */
class FaultWindowsTest {

  @Test
  void everyEcsCallInTheWindowIsThrottledAndNothingElse() {
    Faults faults =
        Faults.none(49)
            .withThrottleWindow(
                "ecs", Simulation.START.plus(Duration.ofMinutes(1)), Duration.ofMinutes(1));
    try (Simulation sim = Simulation.start(Clusters.small(), faults, Map.of());
        SdkClients aws = new SdkClients(sim.endpoint().uri())) {
      boolean before = throttled(() -> aws.ecs.describeClusters(r -> r.clusters("demo")));
      sim.advance(Duration.ofSeconds(90));
      boolean during = throttled(() -> aws.ecs.describeClusters(r -> r.clusters("demo")));
      boolean ssmDuring = throttled(() -> aws.ssm.listCommands(r -> r.maxResults(5)));
      sim.advance(Duration.ofSeconds(30));
      boolean after = throttled(() -> aws.ecs.describeClusters(r -> r.clusters("demo")));

      assertThat(before).isFalse();
      assertThat(during).isTrue();
      assertThat(ssmDuring).isFalse();
      assertThat(after).isFalse();
      assertThat(sim.endpoint().calls())
          .containsEntry("ecs:DescribeClusters ThrottlingException", 1L);
    }
  }

  @Test
  void callsBeyondTheBucketAreThrottledUntilVirtualTimeRefillsIt() {
    Faults faults =
        Faults.none(50)
            .withRateLimit(
                new Faults.RateLimit("reads", 2, 3, java.util.Set.of("ecs:DescribeClusters")));
    try (Simulation sim = Simulation.start(Clusters.small(), faults, Map.of());
        SdkClients aws = new SdkClients(sim.endpoint().uri())) {
      int served = 0;
      for (int i = 0; i < 5; i++) {
        served += throttled(() -> aws.ecs.describeClusters(r -> r.clusters("demo"))) ? 0 : 1;
      }
      boolean other = throttled(() -> aws.ecs.listContainerInstances(r -> r.cluster("demo")));
      sim.advance(Duration.ofSeconds(1));
      int afterASecond = 0;
      for (int i = 0; i < 3; i++) {
        afterASecond += throttled(() -> aws.ecs.describeClusters(r -> r.clusters("demo"))) ? 0 : 1;
      }

      assertThat(served).isEqualTo(3);
      assertThat(other).isFalse();
      assertThat(afterASecond).isEqualTo(2);
    }
  }

  private static boolean throttled(Runnable call) {
    AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
    return e != null && e.isThrottlingException();
  }
}
