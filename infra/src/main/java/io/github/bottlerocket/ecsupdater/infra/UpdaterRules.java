package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The EventBridge rules that start passes. Neither target retries: the next tick is the retry, and
 * a retried pass would only repeat its observations.
 */
final class UpdaterRules {
  /** The detail-type of ECS's container instance events. */
  static final String ECS_INSTANCE_EVENT = "ECS Container Instance State Change";

  private UpdaterRules() {}

  /** Starts a pass over every managed cluster on each tick; the input is fixed in the template. */
  static Rule schedule(
      Construct scope, Schedule schedule, IFunction function, List<String> clusterArns) {
    return Rule.Builder.create(scope, "ScheduleRule")
        .description("Starts a Bottlerocket ECS updater pass over the managed clusters")
        .schedule(schedule)
        .targets(
            List.of(
                new LambdaFunction(
                    function,
                    LambdaFunctionProps.builder()
                        .event(RuleTargetInput.fromObject(Map.of("clusters", clusterArns)))
                        .retryAttempts(0)
                        .build())))
        .build();
  }

  /**
   * Starts a pass when a DRAINING container instance of a managed cluster that carries the
   * updater's state attribute changes state, for example when its last service task stopped or its
   * agent reconnected after the reboot.
   */
  static Rule ecsEvents(Construct scope, IFunction function, List<String> clusterArns) {
    return Rule.Builder.create(scope, "EcsEventRule")
        .description(
            "Starts a Bottlerocket ECS updater pass when an instance it is updating changes state")
        .eventPattern(ecsEventPattern(clusterArns))
        .targets(
            List.of(
                new LambdaFunction(
                    function, LambdaFunctionProps.builder().retryAttempts(0).build())))
        .build();
  }

  static EventPattern ecsEventPattern(List<String> clusterArns) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("clusterArn", clusterArns);
    // Only instances that carry the updater's state attribute: the agent reconnects several times
    // an hour on every instance.
    detail.put("attributes", Map.of("name", List.of(StateAttributes.STATE)));
    // Only instances out of service (a drain's tasks stopping, the agent back after the reboot):
    // there an event ends a wait. The updater's own record writes on queued, downloading and
    // staged instances would otherwise start a pass each, thousands at once in a large cluster.
    detail.put("status", List.of("DRAINING"));
    return EventPattern.builder()
        .source(List.of("aws.ecs"))
        .detailType(List.of(ECS_INSTANCE_EVENT))
        .detail(detail)
        .build();
  }
}
