package io.github.bottlerocket.ecsupdater.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.sim.EventFeed;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The benchmark's model of Lambda's asynchronous invocation with reserved concurrency 1. */
class AsyncInvocationsTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/bench";

  private static EventFeed.Event ecs(Instant at, String status, boolean withRecord) {
    String attributes =
        withRecord
            ? "[{\"name\":\"bottlerocket.variant\",\"value\":\"aws-ecs-2\"},"
                + "{\"name\":\"bottlerocket-ecs-updater.state\",\"value\":\"2/REBOOTING\"}]"
            : "[{\"name\":\"bottlerocket.variant\",\"value\":\"aws-ecs-2\"}]";
    String json =
        "{\"source\":\"aws.ecs\",\"detail-type\":\"ECS Container Instance State Change\","
            + "\"detail\":{\"clusterArn\":\""
            + CLUSTER
            + "\",\"containerInstanceArn\":\"arn:aws:ecs:us-east-1:123456789012:"
            + "container-instance/bench/1\",\"status\":\""
            + status
            + "\",\"attributes\":"
            + attributes
            + "}}";
    return new EventFeed.Event(at, EventFeed.ECS_INSTANCE_CHANGE, json);
  }

  @Test
  void anInvocationThatFindsTheFunctionFreeRunsAtOnce() {
    assertThat(AsyncInvocations.firstAttempt(T0, T0)).contains(T0);
  }

  @Test
  void aThrottledInvocationIsRetriedAtDoublingIntervals() {
    // Attempts at 0, 1, 3, 7, 15, 31 s after it arrived.
    assertThat(AsyncInvocations.firstAttempt(T0, T0.plusSeconds(10))).contains(T0.plusSeconds(15));
    assertThat(AsyncInvocations.firstAttempt(T0, T0.plusSeconds(16))).contains(T0.plusSeconds(31));
  }

  @Test
  void anInvocationOlderThanTheMaximumEventAgeIsDropped() {
    assertThat(
            AsyncInvocations.firstAttempt(
                T0, T0.plus(AsyncInvocations.MAX_EVENT_AGE).plusSeconds(1)))
        .isEmpty();
  }

  @Test
  void theRuleMatchesOnlyDrainingInstancesWithTheUpdatersRecord() {
    assertThat(AsyncInvocations.matchesEcsRule(ecs(T0, "DRAINING", true), CLUSTER)).isTrue();
    assertThat(AsyncInvocations.matchesEcsRule(ecs(T0, "ACTIVE", true), CLUSTER)).isFalse();
    assertThat(AsyncInvocations.matchesEcsRule(ecs(T0, "DRAINING", false), CLUSTER)).isFalse();
    assertThat(AsyncInvocations.matchesEcsRule(ecs(T0, "DRAINING", true), CLUSTER + "-2"))
        .isFalse();
  }

  @Test
  void theEarliestAttemptRunsNextAndAnEventStartsAPassOnlyWhenTheRuleIsOn() {
    AsyncInvocations lambda = new AsyncInvocations();
    lambda.tick("{}", T0.plus(Duration.ofMinutes(15)));
    lambda.event(ecs(T0.plusSeconds(40), "DRAINING", true), CLUSTER, false);
    assertThat(lambda.anyDraining()).isTrue();
    assertThat(lambda.next(T0).map(AsyncInvocations.Attempt::at))
        .isEqualTo(Optional.of(T0.plus(Duration.ofMinutes(15))));

    lambda.event(ecs(T0.plusSeconds(50), "DRAINING", true), CLUSTER, true);
    AsyncInvocations.Attempt next = lambda.next(T0.plusSeconds(50)).orElseThrow();
    assertThat(next.at()).isEqualTo(T0.plusSeconds(50));
    lambda.started(next);
    assertThat(lambda.eventsDelivered()).isEqualTo(1);

    lambda.event(ecs(T0.plusSeconds(60), "ACTIVE", true), CLUSTER, true);
    assertThat(lambda.anyDraining()).isFalse();
  }
}
