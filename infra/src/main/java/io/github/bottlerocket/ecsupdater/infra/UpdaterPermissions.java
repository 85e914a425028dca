package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.aws.EventBridgeAdapter;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.engine.VersionLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The function's permissions: exactly the calls its adapters make ({@code EcsAdapter}, {@code
 * SsmAdapter}, the event publisher and the log writer), each scoped as tightly as the service's
 * resource types and condition keys allow. Every statement has a {@code Sid} that says what it is
 * for; {@code docs/infra-decisions.md} lists them with their reasons.
 *
 * <p>Where a resource ends in {@code *}, the comment on the statement says why it cannot be
 * narrower.
 */
final class UpdaterPermissions {
  /** A tag that every instance the function may send commands to must carry. */
  record InstanceTag(String key, String value) {}

  /**
   * The instance gates that need calls of their own, each granted only when it is on.
   *
   * @param taskProtection whether drains wait for ECS task scale-in protection ({@code
   *     TASK_PROTECTION=respect}): {@code ecs:GetTaskProtection}
   * @param scaleInShield whether drains protect Auto Scaling instances from scale-in ({@code
   *     SCALE_IN_SHIELD=true}): {@code autoscaling:DescribeAutoScalingInstances} and {@code
   *     autoscaling:SetInstanceProtection}
   */
  record InstanceGates(boolean taskProtection, boolean scaleInShield) {}

  private final Stack stack;
  private final List<String> clusterArns;
  private final List<String> documentNames;
  private final Optional<String> eventBusArn;
  private final String logGroupArn;
  private final String controlParameterArn;
  private final String leaseTableArn;
  private final String fanOutQueueArn;
  private final Optional<InstanceTag> instanceTag;
  private final InstanceGates gates;
  private List<String> gateTagKeys = List.of();

  /**
   * @param stack the stack whose partition, region and account the ARNs are in
   * @param clusterArns the managed clusters
   * @param documentNames the names of the updater's SSM documents
   * @param eventBusArn the bus the function puts its events on; empty when it sends none
   * @param logGroupArn the function's log group, as {@code LogGroup#getLogGroupArn()} gives it
   * @param controlParameterArn the stack-wide switch the function reads at every pass
   * @param leaseTableArn the table of the per-cluster leases
   * @param fanOutQueueArn the queue a schedule tick fans out to
   * @param instanceTag narrows {@code ssm:SendCommand} to instances with this tag
   * @param gates the instance gates that are on
   */
  UpdaterPermissions(
      Stack stack,
      List<String> clusterArns,
      List<String> documentNames,
      Optional<String> eventBusArn,
      String logGroupArn,
      String controlParameterArn,
      String leaseTableArn,
      String fanOutQueueArn,
      Optional<InstanceTag> instanceTag,
      InstanceGates gates) {
    this.stack = stack;
    this.clusterArns = List.copyOf(clusterArns);
    this.documentNames = List.copyOf(documentNames);
    this.eventBusArn = eventBusArn;
    this.logGroupArn = logGroupArn;
    this.controlParameterArn = controlParameterArn;
    this.leaseTableArn = leaseTableArn;
    this.fanOutQueueArn = fanOutQueueArn;
    this.instanceTag = instanceTag;
    this.gates = gates;
  }

  /** With the cluster tags the rollout gates write allowed as well ({@link GatePermissions}). */
  UpdaterPermissions withGateTags(List<String> keys) {
    this.gateTagKeys = List.copyOf(keys);
    return this;
  }

  /** Every statement, in a fixed order. */
  List<PolicyStatement> statements() {
    List<PolicyStatement> all = new ArrayList<>(common());
    if (gates.taskProtection()) {
      // Scoped by the task ARN, which names its cluster. The updater only reads protection; it
      // never calls UpdateTaskProtection.
      all.add(
          allow(
              "ReadTaskProtection",
              List.of("ecs:GetTaskProtection"),
              clusterArns.stream().map(c -> arn("ecs", "task", clusterName(c) + "/*")).toList(),
              Map.of()));
    }
    if (gates.scaleInShield()) {
      // DescribeAutoScalingInstances supports no resource type and no condition key: "*" only.
      all.add(
          allow(
              "ReadAutoScalingMembership",
              List.of("autoscaling:DescribeAutoScalingInstances"),
              List.of("*"),
              Map.of()));
      // SetInstanceProtection acts on the group. Which groups hold a cluster's instances is not
      // known at synth time, so the ARN names every group of the account and region; with an
      // instance tag, only groups that carry the same tag (as a group does that propagates it to
      // its instances).
      all.add(
          allow(
              "ShieldInstancesFromScaleIn",
              List.of("autoscaling:SetInstanceProtection"),
              List.of(
                  stack.formatArn(
                      ArnComponents.builder()
                          .service("autoscaling")
                          .resource("autoScalingGroup")
                          .resourceName("*:autoScalingGroupName/*")
                          .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                          .build())),
              instanceTag
                  .<Map<String, Object>>map(
                      t ->
                          Map.of(
                              "StringEquals",
                              Map.of("autoscaling:ResourceTag/" + t.key(), List.of(t.value()))))
                  .orElse(Map.of())));
    }
    eventBusArn.ifPresent(
        bus ->
            all.add(
                allow(
                    "PutUpdaterEvents",
                    List.of("events:PutEvents"),
                    List.of(bus),
                    Map.of(
                        "ForAllValues:StringEquals",
                        Map.of("events:source", List.of(EventBridgeAdapter.SOURCE))))));
    // The log group's ARN already ends in ":*", which covers its log streams.
    all.add(
        allow(
            "WriteFunctionLogs",
            List.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(logGroupArn),
            Map.of()));
    // The one parameter the function reads; a String parameter needs no kms:Decrypt.
    all.add(
        allow(
            "ReadControlSwitch",
            List.of("ssm:GetParameter"),
            List.of(controlParameterArn),
            Map.of()));
    // The lease calls, on the function's own table only: take (PutItem), renew (UpdateItem), give
    // back (DeleteItem), and read a holder a failed take did not return (GetItem). Every write
    // is conditional on the owner or the expiry, so the role cannot break another pass's lease.
    all.add(
        allow(
            "UseLeaseTable",
            List.of(
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem"),
            List.of(leaseTableArn),
            Map.of()));
    // The fan-out, on the function's own queue only: a tick finds the queue's URL and sends one
    // message per cluster (SendMessageBatch is authorised as sqs:SendMessage); the event source
    // mapping, which runs as the function's role, receives and deletes them.
    all.add(
        allow(
            "FanOutToQueue",
            List.of("sqs:GetQueueUrl", "sqs:SendMessage"),
            List.of(fanOutQueueArn),
            Map.of()));
    all.add(
        allow(
            "ReadFanOutQueue",
            List.of(
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes"),
            List.of(fanOutQueueArn),
            Map.of()));
    return List.copyOf(all);
  }

  private List<PolicyStatement> common() {
    return List.of(
        // DescribeClusters and ListContainerInstances act on the cluster resource itself.
        allow(
            "DescribeManagedClusters",
            List.of("ecs:DescribeClusters", "ecs:ListContainerInstances"),
            clusterArns,
            Map.of()),
        // The function writes only its own records (the last check, the name of its lease table,
        // the versions its hosts run, and what the configured gates keep); it never removes tags
        // and never writes the operator's pause tag.
        allow(
            "TagManagedClusters",
            List.of("ecs:TagResource"),
            clusterArns,
            Map.of("ForAllValues:StringEquals", Map.of("aws:TagKeys", tagKeys()))),
        // Container instance, task and service ARNs are matched by type only: the ecs:cluster
        // condition does the scoping to the managed clusters. Putting the cluster name into the
        // ARN pattern instead would miss resources that still carry the short ARN format, which has
        // no cluster name in it.
        allow(
            "ReadContainerInstances",
            List.of("ecs:DescribeContainerInstances", "ecs:ListTasks"),
            List.of(arn("ecs", "container-instance", "*")),
            inManagedClusters()),
        allow(
            "UpdateContainerInstances",
            List.of(
                "ecs:UpdateContainerInstancesState", "ecs:PutAttributes", "ecs:DeleteAttributes"),
            List.of(arn("ecs", "container-instance", "*")),
            inManagedClusters()),
        allow(
            "DescribeTasks",
            List.of("ecs:DescribeTasks"),
            List.of(arn("ecs", "task", "*")),
            inManagedClusters()),
        allow(
            "DescribeServices",
            List.of("ecs:DescribeServices"),
            List.of(arn("ecs", "service", "*")),
            inManagedClusters()),
        // ecs:ListServices supports no resource type, so the resource must be "*"; the ecs:cluster
        // condition limits it to the managed clusters.
        allow("ListServices", List.of("ecs:ListServices"), List.of("*"), inManagedClusters()),
        // SendCommand is authorized against the document and against each target instance. This
        // statement allows only the updater's own documents, so AWS-RunShellScript and every other
        // document stay out of reach.
        allow(
            "SendUpdaterCommands",
            List.of("ssm:SendCommand"),
            documentNames.stream().map(n -> arn("ssm", "document", n)).toList(),
            Map.of()),
        // The target instances: SSM identifies them by EC2 instance id, which says nothing about
        // the cluster, so the narrowest resource is every instance of this account and region,
        // or, with an instance tag, those that carry it (ssm:resourceTag).
        allow(
            "SendCommandsToInstances",
            List.of("ssm:SendCommand"),
            List.of(arn("ec2", "instance", "*")),
            instanceTag
                .<Map<String, Object>>map(
                    t ->
                        Map.of(
                            "StringEquals",
                            Map.of("ssm:resourceTag/" + t.key(), List.of(t.value()))))
                .orElse(Map.of())),
        // ListCommandInvocations and GetCommandInvocation support no resource type and no
        // condition key: "*" is the only resource IAM accepts for them. They only read command
        // results; the pages of replies also tell when a command has finished, so ListCommands is
        // not needed.
        allow(
            "ReadCommandResults",
            List.of("ssm:ListCommandInvocations", "ssm:GetCommandInvocation"),
            List.of("*"),
            Map.of()));
  }

  /** A cluster's name from its ARN, also when the ARN is only known at deploy time. */
  private String clusterName(String clusterArn) {
    return stack.splitArn(clusterArn, ArnFormat.SLASH_RESOURCE_NAME).getResourceName();
  }

  private List<String> tagKeys() {
    List<String> keys =
        new ArrayList<>(
            List.of(
                StateAttributes.LAST_CHECK_TAG,
                StateAttributes.LEASE_TABLE_TAG,
                VersionLedger.TAG));
    keys.addAll(gateTagKeys);
    return keys;
  }

  private Map<String, Object> inManagedClusters() {
    return Map.of("ArnEquals", Map.of("ecs:cluster", clusterArns));
  }

  private String arn(String service, String resource, String name) {
    return stack.formatArn(
        ArnComponents.builder()
            .service(service)
            .resource(resource)
            .resourceName(name)
            .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
            .build());
  }

  private static PolicyStatement allow(
      String sid, List<String> actions, List<String> resources, Map<String, Object> conditions) {
    PolicyStatement.Builder b =
        PolicyStatement.Builder.create()
            .sid(sid)
            .effect(Effect.ALLOW)
            .actions(actions)
            .resources(resources);
    if (!conditions.isEmpty()) {
      b.conditions(conditions);
    }
    return b.build();
  }
}
