package io.github.bottlerocket.ecsupdater.infra;

import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The deployable unit: one {@link BottlerocketEcsUpdater} configured from the {@link
 * DeployContext}, and outputs that the operator's commands need (function, log group, document
 * prefix).
 *
 * <p>Without clusters in the context the template is still complete: it takes one cluster as the
 * CloudFormation parameter {@value #CLUSTER_ARN_PARAMETER}, so that it can be deployed from the
 * console or with {@code cdk deploy --parameters ClusterArn=...}.
 */
public final class BottlerocketEcsUpdaterStack extends Stack {
  /** The parameter that names the cluster when none is given in the context. */
  public static final String CLUSTER_ARN_PARAMETER = "ClusterArn";

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
    super(scope, id, props);
    BottlerocketEcsUpdaterProps.Builder builder =
        context.apply(BottlerocketEcsUpdaterProps.builder());
    if (context.clusterArns().isEmpty()) {
      CfnParameter cluster =
          CfnParameter.Builder.create(this, CLUSTER_ARN_PARAMETER)
              .type("String")
              .description(
                  "ARN of the ECS cluster whose Bottlerocket instances are kept up to date")
              .allowedPattern(
                  "arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}")
              .constraintDescription(
                  "an ECS cluster ARN, arn:aws:ecs:<region>:<account>:cluster/<name>")
              .build();
      builder.clusterArns(List.of(cluster.getValueAsString()));
    } else {
      builder.clusterArns(context.clusterArns());
    }
    context
        .alarmTopicArn()
        .ifPresent(arn -> builder.alarmTopic(Topic.fromTopicArn(this, "AlarmTopic", arn)));
    code.ifPresent(builder::code);

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
        .description("Disable this rule to stop the scheduled passes")
        .value(updater.getScheduleRule().getRuleName())
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
