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

  private final Stack stack;
  private final List<String> clusterArns;
  private final List<String> documentNames;
  private final Optional<String> eventBusArn;
  private final String logGroupArn;
  private final String controlParameterArn;
  private final Optional<InstanceTag> instanceTag;
  private List<String> gateTagKeys = List.of();

  /**
   * @param stack the stack whose partition, region and account the ARNs are in
   * @param clusterArns the managed clusters
   * @param documentNames the names of the updater's SSM documents
   * @param eventBusArn the bus the function puts its events on; empty when it sends none
   * @param logGroupArn the function's log group, as {@code LogGroup#getLogGroupArn()} gives it
   * @param controlParameterArn the stack-wide switch the function reads at every pass
   * @param instanceTag narrows {@code ssm:SendCommand} to instances with this tag
   */
  UpdaterPermissions(
      Stack stack,
      List<String> clusterArns,
      List<String> documentNames,
      Optional<String> eventBusArn,
      String logGroupArn,
      String controlParameterArn,
      Optional<InstanceTag> instanceTag) {
    this.stack = stack;
    this.clusterArns = List.copyOf(clusterArns);
    this.documentNames = List.copyOf(documentNames);
    this.eventBusArn = eventBusArn;
    this.logGroupArn = logGroupArn;
    this.controlParameterArn = controlParameterArn;
    this.instanceTag = instanceTag;
  }

  /** With the cluster tags the rollout gates write allowed as well ({@link GatePermissions}). */
  UpdaterPermissions withGateTags(List<String> keys) {
    this.gateTagKeys = List.copyOf(keys);
    return this;
  }

  /** Every statement, in a fixed order. */
  List<PolicyStatement> statements() {
    List<PolicyStatement> all = new ArrayList<>(common());
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
        // The function writes only its own records (the last check, the versions its hosts run,
        // and what the configured gates keep); it never removes tags and never writes the
        // operator's pause tag.
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
        // ListCommands, ListCommandInvocations and GetCommandInvocation support no resource type
        // and no condition key: "*" is the only resource IAM accepts for them. They only read
        // command results.
        allow(
            "ReadCommandResults",
            List.of("ssm:ListCommands", "ssm:ListCommandInvocations", "ssm:GetCommandInvocation"),
            List.of("*"),
            Map.of()));
  }

  private List<String> tagKeys() {
    List<String> keys = new ArrayList<>(List.of(StateAttributes.LAST_CHECK_TAG, VersionLedger.TAG));
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
