package io.github.bottlerocket.ecsupdater.infra;

import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The deployable unit: one {@link BottlerocketEcsUpdater} configured from the {@link
 * DeployContext}, and outputs that the operator's commands need (function, log group, document
 * prefix, the rules and the control parameter).
 *
 * <p>Without clusters in the context the template is still complete: it takes one cluster as the
 * CloudFormation parameter {@value #CLUSTER_NAME_PARAMETER}, so that it can be deployed from the
 * console or with {@code cdk deploy --parameters ClusterName=...}.
 */
public final class BottlerocketEcsUpdaterStack extends Stack {
  /**
   * The parameter that names the cluster when none is given in the context: its name, so that the
   * ARN is built in the stack's own region and account and cannot point anywhere else.
   */
  public static final String CLUSTER_NAME_PARAMETER = "ClusterName";

  private final BottlerocketEcsUpdater updater;

  /**
   * @param scope the app
   * @param id the construct id, also the stack name unless {@code props} give one
   * @param props stack props (environment, name, description)
   * @param context the operator's choices
   * @param code the function code; empty for the jar this repository builds
   */
  public BottlerocketEcsUpdaterStack(
      Construct scope, String id, StackProps props, DeployContext context, Optional<Code> code) {
    this(scope, id, props, context, stack -> code);
  }

  /**
   * @param scope the app
   * @param id the construct id, also the stack name unless {@code props} give one
   * @param props stack props (environment, name, description, synthesizer)
   * @param context the operator's choices
   * @param code makes the function code in this stack (from parameters of its own, say); empty for
   *     the jar this repository builds
   */
  public BottlerocketEcsUpdaterStack(
      Construct scope,
      String id,
      StackProps props,
      DeployContext context,
      java.util.function.Function<Stack, Optional<Code>> code) {
    super(scope, id, props);
    BottlerocketEcsUpdaterProps.Builder builder =
        context.apply(BottlerocketEcsUpdaterProps.builder());
    if (context.clusterArns().isEmpty()) {
      CfnParameter cluster =
          CfnParameter.Builder.create(this, CLUSTER_NAME_PARAMETER)
              .type("String")
              .description(
                  "Name of the ECS cluster (in this stack's region and account) whose Bottlerocket"
                      + " instances are kept up to date")
              .allowedPattern("[A-Za-z0-9_-]{1,255}")
              .constraintDescription(
                  "an ECS cluster name: letters, digits, '-' and '_', at most 255 characters")
              .build();
      builder.clusterArns(
          List.of(
              formatArn(
                  ArnComponents.builder()
                      .service("ecs")
                      .resource("cluster")
                      .resourceName(cluster.getValueAsString())
                      .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                      .build())));
    } else {
      builder.clusterArns(context.clusterArns());
    }
    context
        .alarmTopicArn()
        .ifPresent(arn -> builder.alarmTopic(Topic.fromTopicArn(this, "AlarmTopic", arn)));
    context
        .eventBus()
        .ifPresent(
            bus ->
                builder.eventBus(
                    bus.startsWith("arn:")
                        ? EventBus.fromEventBusArn(this, "EventBus", bus)
                        : EventBus.fromEventBusName(this, "EventBus", bus)));
    code.apply(this).ifPresent(builder::code);

    this.updater = new BottlerocketEcsUpdater(this, "Updater", builder.build());

    CfnOutput.Builder.create(this, "FunctionName")
        .description("aws lambda invoke --function-name <this> ...")
        .value(updater.getFunction().getFunctionName())
        .build();
    CfnOutput.Builder.create(this, "LogGroupName")
        .description("Where the function logs each pass and writes its metrics")
        .value(updater.getLogGroup().getLogGroupName())
        .build();
    CfnOutput.Builder.create(this, "ScheduleRuleName")
        .description("The rule that starts a pass on every tick of the schedule")
        .value(updater.getScheduleRule().getRuleName())
        .build();
    updater
        .getEcsEventRule()
        .ifPresent(
            rule ->
                CfnOutput.Builder.create(this, "EcsEventRuleName")
                    .description(
                        "The rule that starts a pass when an instance being updated changes state")
                    .value(rule.getRuleName())
                    .build());
    CfnOutput.Builder.create(this, "ControlParameterName")
        .description(
            "Stack-wide switch read at every pass: run, pause or stop (aws ssm put-parameter"
                + " --overwrite)")
        .value(updater.getControlParameter().getParameterName())
        .build();
    CfnOutput.Builder.create(this, "LeaseTableName")
        .description(
            "Table of the per-cluster leases; the command-line runner takes them too"
                + " (--lease-table, or the cluster's tag bottlerocket-ecs-updater:lease-table)")
        .value(updater.getLeaseTable().getTableName())
        .build();
    CfnOutput.Builder.create(this, "FanOutQueueName")
        .description("Queue a schedule tick sends one message per cluster to")
        .value(updater.getFanOutQueue().getQueueName())
        .build();
    CfnOutput.Builder.create(this, "FanOutDeadLetterQueueName")
        .description(
            "Where a cluster's message goes after its pass failed "
                + FanOutQueue.MAX_RECEIVES
                + " times; read it to see why")
        .value(updater.getFanOutDeadLetterQueue().getQueueName())
        .build();
    CfnOutput.Builder.create(this, "DocumentPrefix")
        .description("Prefix of the updater's SSM command documents")
        .value(updater.getDocumentPrefix())
        .build();
  }

  /** The updater in this stack. */
  public BottlerocketEcsUpdater getUpdater() {
    return updater;
  }
}
