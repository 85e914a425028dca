package io.github.bottlerocket.ecsupdater.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.amazon.awscdk.services.iam.Role;

/**
 * The cdk-nag AwsSolutions findings that remain by design, each with its reason. Only the wildcard
 * resources that {@link UpdaterPermissions} explains are acknowledged, each by a pattern that
 * matches exactly those resources, so a new wildcard still fails the check.
 */
final class NagAcknowledgements {
  private NagAcknowledgements() {}

  /**
   * @param releases whether the role reads Bottlerocket's public parameters (MIN_RELEASE_AGE)
   * @param alarmPrefix whether it reads alarms by a prefix (ALARM_PREFIX)
   */
  static void acknowledgeWildcards(Role role, boolean releases, boolean alarmPrefix) {
    List<NagPackSuppression> all =
        new java.util.ArrayList<>(
            List.of(
                NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason(
                        "Container instance, task and service ARNs are matched by type; the"
                            + " ArnEquals ecs:cluster condition on the same statements limits them to"
                            + " the managed clusters (a cluster-name pattern would miss short-format"
                            + " ARNs).")
                    .appliesTo(
                        List.of(
                            RegexAppliesTo.builder()
                                .regex(resource("ecs", "(container-instance|task|service)"))
                                .build()))
                    .build(),
                NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason(
                        "ssm:SendCommand must also be allowed on each target instance, and an EC2"
                            + " instance ARN says nothing about its ECS cluster; the instances are"
                            + " limited to this account and region (and to a tag when instanceTag is"
                            + " set), and the documents to the updater's own fixed-command ones.")
                    .appliesTo(
                        List.of(
                            RegexAppliesTo.builder().regex(resource("ec2", "instance")).build()))
                    .build(),
                NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason(
                        "ecs:GetTaskProtection is allowed on the tasks of each managed cluster"
                            + " (task/<cluster name>/*): the tasks come and go, and the updater reads"
                            + " the protection of whichever run on the instance it is about to drain.")
                    .appliesTo(
                        List.of(
                            RegexAppliesTo.builder()
                                .regex(
                                    "/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ecs:"
                                        + "(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):"
                                        + "task\\/.+\\/\\*$/")
                                .build()))
                    .build(),
                NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason(
                        "autoscaling:SetInstanceProtection acts on the Auto Scaling group, and which"
                            + " groups hold a cluster's instances is not known at synth time; the"
                            + " groups are limited to this account and region (and to a tag when"
                            + " instanceTag is set), and the updater only protects an instance while"
                            + " it has it out of service, then clears what it set.")
                    .appliesTo(
                        List.of(
                            RegexAppliesTo.builder()
                                .regex(
                                    "/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):autoscaling:"
                                        + "(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):"
                                        + "autoScalingGroup:\\*:autoScalingGroupName\\/\\*$/")
                                .build()))
                    .build(),
                NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason(
                        "ecs:ListServices, ssm:ListCommandInvocations, ssm:GetCommandInvocation and"
                            + " autoscaling:DescribeAutoScalingInstances support no resource type, so"
                            + " IAM accepts only \"*\" for them; ListServices is limited to the"
                            + " managed clusters by its ecs:cluster condition, and the others only"
                            + " read.")
                    .appliesTo(List.of("Resource::*"))
                    .build()));
    if (releases) {
      all.add(
          NagPackSuppression.builder()
              .id("AwsSolutions-IAM5")
              .reason(
                  "MIN_RELEASE_AGE reads when a Bottlerocket release was published from AWS's"
                      + " public parameters, which are named per variant, architecture and"
                      + " version; the pattern is Bottlerocket's own path and the action only"
                      + " reads.")
              .appliesTo(
                  List.of(
                      RegexAppliesTo.builder()
                          .regex(
                              "/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ssm:"
                                  + "(<AWS::Region>|[a-z0-9-]+)::parameter"
                                  + "\\/aws\\/service\\/bottlerocket\\/\\*$/")
                          .build()))
              .build());
    }
    if (alarmPrefix) {
      all.add(
          NagPackSuppression.builder()
              .id("AwsSolutions-IAM5")
              .reason(
                  "ALARM_PREFIX holds new starts on every alarm whose name starts with the"
                      + " prefix, so cloudwatch:DescribeAlarms is allowed on those names only;"
                      + " the action only reads alarm states.")
              .appliesTo(
                  List.of(
                      RegexAppliesTo.builder()
                          .regex(
                              "/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):cloudwatch:"
                                  + "(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):"
                                  + "alarm:[^*]+\\*$/")
                          .build()))
              .build());
    }
    NagSuppressions.addResourceSuppressions(role, all, true);
  }

  /**
   * A cdk-nag pattern for the finding on {@code
   * arn:<partition>:<service>:<region>:<account>:<type>/*}, whether partition, region and account
   * are known at synth time or CloudFormation pseudo parameters.
   */
  private static String resource(String service, String typePattern) {
    return "/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):"
        + service
        + ":(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):"
        + typePattern
        + "\\/\\*$/";
  }
}
