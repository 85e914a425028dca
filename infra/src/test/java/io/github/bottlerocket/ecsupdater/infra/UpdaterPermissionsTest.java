package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.ACCOUNT;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.OTHER_CLUSTER;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.REGION;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.STACK_NAME;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.asList;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;

/** Every statement of the function's role, and what it must never allow. */
class UpdaterPermissionsTest {
  /**
   * A stack with a known region writes the partition as text
   * (@aws-cdk/core:enablePartitionLiterals).
   */
  private static final String ARN_PREFIX = "arn:aws:";

  private static final Set<String> ECS_WRITES =
      Set.of(
          "ecs:UpdateContainerInstancesState",
          "ecs:PutAttributes",
          "ecs:DeleteAttributes",
          "ecs:TagResource");

  private static Template template;
  private static Map<String, Map<String, Object>> statements;

  @BeforeAll
  static void synthesize() {
    template = Fixtures.template(p -> p.clusterArns(List.of(OTHER_CLUSTER)));
    statements = Fixtures.statements(template);
  }

  private static Map<String, Object> inManagedClusters() {
    return Map.of("ArnEquals", Map.of("ecs:cluster", List.of(CLUSTER, OTHER_CLUSTER)));
  }

  private static String arn(String service, String resource) {
    return ARN_PREFIX + service + ":" + REGION + ":" + ACCOUNT + ":" + resource;
  }

  static Stream<Arguments> expectedStatements() {
    return Stream.of(
        Arguments.of(
            "DescribeManagedClusters",
            List.of("ecs:DescribeClusters", "ecs:ListContainerInstances"),
            List.of(CLUSTER, OTHER_CLUSTER),
            null),
        Arguments.of(
            "TagManagedClusters",
            List.of("ecs:TagResource"),
            List.of(CLUSTER, OTHER_CLUSTER),
            Map.of(
                "ForAllValues:StringEquals",
                Map.of(
                    "aws:TagKeys",
                    List.of(
                        "bottlerocket-ecs-updater:last-check",
                        "bottlerocket-ecs-updater:lease-table",
                        "bottlerocket-ecs-updater:versions")))),
        Arguments.of(
            "ReadContainerInstances",
            List.of("ecs:DescribeContainerInstances", "ecs:ListTasks"),
            List.of(arn("ecs", "container-instance/*")),
            inManagedClusters()),
        Arguments.of(
            "UpdateContainerInstances",
            List.of(
                "ecs:UpdateContainerInstancesState", "ecs:PutAttributes", "ecs:DeleteAttributes"),
            List.of(arn("ecs", "container-instance/*")),
            inManagedClusters()),
        Arguments.of(
            "DescribeTasks",
            List.of("ecs:DescribeTasks"),
            List.of(arn("ecs", "task/*")),
            inManagedClusters()),
        Arguments.of(
            "DescribeServices",
            List.of("ecs:DescribeServices"),
            List.of(arn("ecs", "service/*")),
            inManagedClusters()),
        Arguments.of(
            "ListServices", List.of("ecs:ListServices"), List.of("*"), inManagedClusters()),
        Arguments.of(
            "SendUpdaterCommands",
            List.of("ssm:SendCommand"),
            Stream.of(HostCommand.values())
                .map(c -> arn("ssm", "document/" + c.documentName(STACK_NAME + "-")))
                .toList(),
            null),
        Arguments.of(
            "SendCommandsToInstances",
            List.of("ssm:SendCommand"),
            List.of(arn("ec2", "instance/*")),
            null),
        Arguments.of(
            "ReadCommandResults",
            List.of("ssm:ListCommandInvocations", "ssm:GetCommandInvocation"),
            List.of("*"),
            null),
        Arguments.of(
            "ReadTaskProtection",
            List.of("ecs:GetTaskProtection"),
            List.of(arn("ecs", "task/prod/*"), arn("ecs", "task/batch/*")),
            null),
        Arguments.of(
            "ReadAutoScalingMembership",
            List.of("autoscaling:DescribeAutoScalingInstances"),
            List.of("*"),
            null),
        Arguments.of(
            "ShieldInstancesFromScaleIn",
            List.of("autoscaling:SetInstanceProtection"),
            List.of(arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")),
            null),
        Arguments.of(
            "PutUpdaterEvents",
            List.of("events:PutEvents"),
            List.of(arn("events", "event-bus/default")),
            Map.of(
                "ForAllValues:StringEquals",
                Map.of("events:source", List.of("bottlerocket-ecs-updater")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expectedStatements")
  void statementAllowsExactlyItsActionsOnItsResources(
      String sid, List<String> actions, List<String> resources, Map<String, Object> condition) {
    Map<String, Object> statement = statements.get(sid);

    assertThat(statement).as(sid).isNotNull().containsEntry("Effect", "Allow");
    // @aws-cdk/aws-iam:minimizePolicies sorts actions and resources.
    assertThat(asList(statement.get("Action")))
        .as(sid + " actions")
        .containsExactlyInAnyOrderElementsOf(actions);
    assertThat(asList(statement.get("Resource")))
        .as(sid + " resources")
        .containsExactlyInAnyOrderElementsOf(resources);
    assertThat(statement.get("Condition")).as(sid + " condition").isEqualTo(condition);
  }

  @Test
  void logsAreWrittenOnlyToTheFunctionsLogGroup() {
    String logGroup = Fixtures.onlyLogicalId(template, "AWS::Logs::LogGroup");

    Map<String, Object> statement = statements.get("WriteFunctionLogs");

    assertThat(asList(statement.get("Action")))
        .containsExactly("logs:CreateLogStream", "logs:PutLogEvents");
    assertThat(statement.get("Resource")).isEqualTo("${" + logGroup + ".Arn}");
    assertThat(statement).doesNotContainKey("Condition");
  }

  @Test
  void theFunctionMayReadExactlyItsControlParameter() {
    Map<String, Object> statement = statements.get("ReadControlSwitch");
    String parameter = Fixtures.onlyLogicalId(template, "AWS::SSM::Parameter");

    assertThat(statement.get("Action")).isEqualTo("ssm:GetParameter");
    assertThat(statement.get("Resource").toString())
        .isEqualTo(ARN_PREFIX + "ssm:" + REGION + ":" + ACCOUNT + ":parameter${" + parameter + "}");
    assertThat(statement).doesNotContainKey("Condition");
  }

  @Test
  void theFunctionMayUseExactlyItsLeaseTableAndNoOtherTableOrCall() {
    Map<String, Object> statement = statements.get("UseLeaseTable");
    String table = Fixtures.onlyLogicalId(template, "AWS::DynamoDB::Table");

    assertThat(asList(statement.get("Action")))
        .containsExactlyInAnyOrder(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
    assertThat(statement.get("Resource")).isEqualTo("${" + table + ".Arn}");
    assertThat(statement).doesNotContainKey("Condition");
    assertThat(statements.values())
        .flatExtracting(s -> asList(s.get("Action")))
        .filteredOn(a -> a.toString().startsWith("dynamodb:"))
        .hasSize(4);
  }

  @Test
  void theFunctionSendsToAndReadsOnlyItsOwnFanOutQueue() {
    String queue = Fixtures.onlyLogicalId(template, "AWS::SQS::Queue", "FanOutQueue");

    assertThat(asList(statements.get("FanOutToQueue").get("Action")))
        .containsExactlyInAnyOrder("sqs:GetQueueUrl", "sqs:SendMessage");
    assertThat(asList(statements.get("ReadFanOutQueue").get("Action")))
        .containsExactlyInAnyOrder(
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes");
    for (String sid : List.of("FanOutToQueue", "ReadFanOutQueue")) {
      assertThat(statements.get(sid).get("Resource")).as(sid).isEqualTo("${" + queue + ".Arn}");
      assertThat(statements.get(sid)).as(sid).doesNotContainKey("Condition");
    }
    assertThat(statements.values())
        .flatExtracting(s -> asList(s.get("Action")))
        .filteredOn(a -> a.toString().startsWith("sqs:"))
        .hasSize(6);
  }

  @Test
  void withoutEventsThereIsNoPutEvents() {
    Map<String, Map<String, Object>> quiet =
        Fixtures.statements(Fixtures.template(p -> p.publishEvents(false)));

    assertThat(quiet).doesNotContainKey("PutUpdaterEvents");
  }

  @Test
  void ignoringTaskProtectionGrantsNoReadOfIt() {
    Map<String, Map<String, Object>> ignoring =
        Fixtures.statements(Fixtures.template(p -> p.taskProtection("ignore")));

    assertThat(ignoring).doesNotContainKey("ReadTaskProtection");
    assertThat(ignoring.values())
        .flatExtracting(st -> asList(st.get("Action")))
        .doesNotContain("ecs:GetTaskProtection");
  }

  @Test
  void withoutTheScaleInShieldNoAutoScalingCallIsAllowed() {
    Map<String, Map<String, Object>> off =
        Fixtures.statements(Fixtures.template(p -> p.scaleInShield(false)));

    assertThat(off).doesNotContainKeys("ReadAutoScalingMembership", "ShieldInstancesFromScaleIn");
    assertThat(off.values())
        .flatExtracting(st -> asList(st.get("Action")))
        .noneMatch(a -> a.toString().startsWith("autoscaling:"));
  }

  @Test
  void anInstanceTagNarrowsTheScaleInShieldToGroupsWithTheSameTag() {
    Template tagged = Fixtures.template(p -> p.instanceTag("ecs-cluster", "prod"));

    Map<String, Object> statement = Fixtures.statements(tagged).get("ShieldInstancesFromScaleIn");

    assertThat(statement.get("Condition"))
        .isEqualTo(
            Map.of("StringEquals", Map.of("autoscaling:ResourceTag/ecs-cluster", List.of("prod"))));
  }

  @Test
  void noStatementChangesTaskProtection() {
    assertThat(statements.values())
        .flatExtracting(st -> asList(st.get("Action")))
        .doesNotContain("ecs:UpdateTaskProtection");
  }

  @Test
  void theRoleHasNoOtherStatement() {
    List<String> expected =
        Stream.concat(
                expectedStatements().map(a -> (String) a.get()[0]),
                Stream.of(
                    "WriteFunctionLogs",
                    "ReadControlSwitch",
                    "UseLeaseTable",
                    "FanOutToQueue",
                    "ReadFanOutQueue"))
            .toList();

    assertThat(statements.keySet()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theRoleHasNoManagedPolicyAndOnlyLambdaAssumesIt() {
    Map<String, Object> role = Fixtures.onlyProperties(template, "AWS::IAM::Role");

    assertThat(role).doesNotContainKey("ManagedPolicyArns");
    assertThat(Fixtures.flatten(role.get("AssumeRolePolicyDocument")))
        .isEqualTo(
            Map.of(
                "Statement",
                List.of(
                    Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "lambda.amazonaws.com"))),
                "Version",
                "2012-10-17"));
  }

  @Test
  void sendCommandNeverReachesRunShellScriptOrAnyOtherDocument() {
    List<Object> sendCommandResources =
        statements.values().stream()
            .filter(s -> asList(s.get("Action")).contains("ssm:SendCommand"))
            .flatMap(s -> asList(s.get("Resource")).stream())
            .toList();

    assertThat(sendCommandResources)
        .noneMatch(r -> r.toString().contains("AWS-RunShellScript"))
        .noneMatch(r -> r.toString().contains(":document/*"))
        .noneMatch(r -> r.toString().equals("*"));
  }

  @Test
  void everyEcsWriteIsLimitedToTheManagedClusters() {
    List<Map<String, Object>> writes =
        statements.values().stream()
            .filter(s -> asList(s.get("Action")).stream().anyMatch(ECS_WRITES::contains))
            .toList();

    assertThat(writes).hasSize(2);
    assertThat(writes)
        .allSatisfy(
            s -> {
              boolean onClusters =
                  Set.copyOf(asList(s.get("Resource"))).equals(Set.of(CLUSTER, OTHER_CLUSTER));
              boolean conditioned = inManagedClusters().equals(s.get("Condition"));
              assertThat(onClusters || conditioned)
                  .as("statement %s is limited to the managed clusters", s.get("Sid"))
                  .isTrue();
            });
  }

  @Test
  void noStatementAllowsAWildcardAction() {
    assertThat(statements.values())
        .flatExtracting(s -> asList(s.get("Action")))
        .noneMatch(a -> a.toString().contains("*"));
  }

  @Test
  void aWildcardResourceAlwaysHasAReasonToBeThere() {
    // ListServices (conditioned on the clusters), the two command reads and the Auto Scaling
    // membership read support no resource type; nothing else may use "*".
    assertThat(statements.values())
        .filteredOn(s -> asList(s.get("Resource")).contains("*"))
        .extracting(s -> s.get("Sid"))
        .containsExactlyInAnyOrder(
            "ListServices", "ReadCommandResults", "ReadAutoScalingMembership");
  }

  @Test
  void anInstanceTagNarrowsSendCommandToTaggedInstances() {
    Template tagged = Fixtures.template(p -> p.instanceTag("ecs-cluster", "prod"));

    Map<String, Object> statement = Fixtures.statements(tagged).get("SendCommandsToInstances");

    assertThat(statement.get("Condition"))
        .isEqualTo(Map.of("StringEquals", Map.of("ssm:resourceTag/ecs-cluster", List.of("prod"))));
    assertThat(statement.get("Resource")).isEqualTo(arn("ec2", "instance/*"));
  }

  @Test
  void eventsGoOnlyToTheConfiguredBus() {
    Stack stack = Fixtures.stack();
    IEventBus bus = EventBus.fromEventBusName(stack, "Bus", "updates");
    Fixtures.updater(stack, p -> p.eventBus(bus));

    Map<String, Object> statement =
        Fixtures.statements(Template.fromStack(stack)).get("PutUpdaterEvents");

    assertThat(statement.get("Resource")).isEqualTo(arn("events", "event-bus/updates"));
  }
}
