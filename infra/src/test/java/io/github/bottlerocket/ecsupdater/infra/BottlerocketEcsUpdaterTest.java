package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.STACK_NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;

/** The resources a {@link BottlerocketEcsUpdater} creates, matched on their properties. */
class BottlerocketEcsUpdaterTest {
  private static Template defaults;

  @BeforeAll
  static void synthesizeDefaults() {
    defaults = Fixtures.template(p -> p);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(Template template) {
    Map<String, Object> function = Fixtures.onlyProperties(template, "AWS::Lambda::Function");
    return (Map<String, String>)
        ((Map<String, Object>) function.get("Environment")).get("Variables");
  }

  // ---- function --------------------------------------------------------------------------------

  @Test
  void functionRunsTheHandlerOnJava25Arm64With512MbFor15Minutes() {
    defaults.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            "io.github.bottlerocket.ecsupdater.handler.UpdaterHandler::handleRequest",
            "Runtime",
            "java25",
            "Architectures",
            List.of("arm64"),
            "MemorySize",
            512,
            "Timeout",
            900));
  }

  @Test
  void functionReservesNoConcurrencyAndHasNoSnapStart() {
    // The per-cluster lease keeps passes apart; no reservation is needed.
    defaults.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("ReservedConcurrentExecutions", Match.absent(), "SnapStart", Match.absent()));
  }

  @Test
  void theConcurrencyGuardStillReservesOne() {
    Template template = Fixtures.template(p -> p.concurrencyGuard(true));

    template.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("ReservedConcurrentExecutions", 1));
  }

  @Test
  void theLeaseTableIsOnDemandWithRecoveryAndTimeToLiveKeyedByTheClusterArn() {
    defaults.resourceCountIs("AWS::DynamoDB::Table", 1);
    defaults.hasResource(
        "AWS::DynamoDB::Table",
        Map.of(
            "DeletionPolicy",
            "Delete",
            "UpdateReplacePolicy",
            "Delete",
            "Properties",
            Map.of(
                "TableName",
                STACK_NAME + "-Leases",
                "BillingMode",
                "PAY_PER_REQUEST",
                "KeySchema",
                List.of(Map.of("AttributeName", "clusterArn", "KeyType", "HASH")),
                "AttributeDefinitions",
                List.of(Map.of("AttributeName", "clusterArn", "AttributeType", "S")),
                "PointInTimeRecoverySpecification",
                Map.of("PointInTimeRecoveryEnabled", true),
                "TimeToLiveSpecification",
                Map.of("AttributeName", "ttl", "Enabled", true))));
  }

  @Test
  void aTickFansOutThroughAFifoQueueReadOneMessageAtATimeAtMostFiveClustersAtOnce() {
    String queue = Fixtures.onlyLogicalId(defaults, "AWS::SQS::Queue", "FanOutQueue");
    String dlq = Fixtures.onlyLogicalId(defaults, "AWS::SQS::Queue", "FanOutDeadLetters");
    defaults.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of(
            "QueueName",
            STACK_NAME + "-FanOut.fifo",
            "FifoQueue",
            true,
            "ContentBasedDeduplication",
            false,
            // Above the function's 15-minute timeout: a message is never delivered twice at once.
            "VisibilityTimeout",
            960,
            "SqsManagedSseEnabled",
            true,
            "RedrivePolicy",
            Map.of(
                "deadLetterTargetArn",
                Map.of("Fn::GetAtt", List.of(dlq, "Arn")),
                "maxReceiveCount",
                3)));
    defaults.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of(
            "FifoQueue",
            true,
            "MessageRetentionPeriod",
            1_209_600,
            "RedrivePolicy",
            Match.absent()));
    defaults.resourceCountIs("AWS::SQS::QueuePolicy", 2);
    defaults.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "EventSourceArn",
            Map.of("Fn::GetAtt", List.of(queue, "Arn")),
            "BatchSize",
            1,
            "ScalingConfig",
            Map.of("MaximumConcurrency", 5),
            "FunctionResponseTypes",
            List.of("ReportBatchItemFailures")));
  }

  @Test
  void clusterConcurrencyIsTheMappingsMaximumConcurrency() {
    Template template = Fixtures.template(p -> p.clusterConcurrency(40));

    template.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of("ScalingConfig", Map.of("MaximumConcurrency", 40)));
  }

  @Test
  void theFunctionTakesItsLeasesInTheTableTheConstructCreates() {
    Template template = Fixtures.template(p -> p.leaseTableName("platform-updater-leases"));

    assertThat(environment(template)).containsEntry("LEASE_TABLE", "platform-updater-leases");
    template.hasResourceProperties(
        "AWS::DynamoDB::Table", Map.of("TableName", "platform-updater-leases"));
  }

  @Test
  void memoryAndArchitectureFollowTheProps() {
    Template template =
        Fixtures.template(p -> p.memorySize(1024).architecture(Architecture.X86_64));

    template.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("MemorySize", 1024, "Architectures", List.of("x86_64")));
  }

  @Test
  void asynchronousInvocationsAreNotRetriedAndWaitAtMostFiveMinutes() {
    defaults.resourceCountIs("AWS::Lambda::EventInvokeConfig", 1);
    defaults.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of("MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", 300, "Qualifier", "$LATEST"));
  }

  @Test
  void everyFunctionSettingIsWrittenOutWithItsDefault() {
    Map<String, String> expected = new HashMap<>();
    for (Setting s : Setting.values()) {
      expected.put(s.key(), s.defaultValue());
    }
    expected.put(Setting.MAINTENANCE_WINDOW.key(), "always");
    expected.put(Setting.SSM_DOCUMENT_PREFIX.key(), STACK_NAME + "-");
    expected.put(Setting.EVENT_BUS.key(), "default");
    expected.put(Setting.ALLOWED_CLUSTERS.key(), CLUSTER);
    expected.put(
        Setting.CONTROL_PARAMETER.key(), "/bottlerocket-ecs-updater/" + STACK_NAME + "/control");
    expected.put(Setting.LEASE_TABLE.key(), STACK_NAME + "-Leases");
    expected.put(Setting.FAN_OUT_QUEUE.key(), STACK_NAME + "-FanOut.fifo");

    assertThat(environment(defaults)).isEqualTo(expected);
  }

  @Test
  void propsBecomeTheFunctionsSettings() {
    Template template =
        Fixtures.template(
            p ->
                p.clusterArns(List.of(Fixtures.OTHER_CLUSTER))
                    .maxConcurrent(3)
                    .failureBudget(2)
                    .checkInterval(Duration.minutes(90))
                    .drainTimeout(Duration.hours(1))
                    .rebootTimeout(Duration.seconds(600))
                    .maintenanceWindow("Sat,Sun 02:00-06:00")
                    .maintenanceTimezone("Europe/Berlin")
                    .paused(true)
                    .metricsNamespace("Updates/Prod")
                    .documentPrefix("ProdUpdater-"));

    assertThat(environment(template))
        .containsEntry(Setting.MAX_CONCURRENT.key(), "3")
        .containsEntry(Setting.FAILURE_BUDGET.key(), "2")
        .containsEntry(Setting.CHECK_INTERVAL.key(), "90m")
        .containsEntry(Setting.DRAIN_TIMEOUT.key(), "1h")
        .containsEntry(Setting.REBOOT_TIMEOUT.key(), "10m")
        .containsEntry(Setting.MAINTENANCE_WINDOW.key(), "Sat,Sun 02:00-06:00")
        .containsEntry(Setting.MAINTENANCE_TIMEZONE.key(), "Europe/Berlin")
        .containsEntry(Setting.PAUSED.key(), "true")
        .containsEntry(Setting.METRICS_NAMESPACE.key(), "Updates/Prod")
        .containsEntry(Setting.SSM_DOCUMENT_PREFIX.key(), "ProdUpdater-")
        .containsEntry(Setting.ALLOWED_CLUSTERS.key(), CLUSTER + "," + Fixtures.OTHER_CLUSTER);
  }

  @Test
  void theFunctionAcceptsTheSettingsItIsGiven() {
    Settings settings = Settings.fromEnvironment(environment(defaults));

    assertThat(settings.ssmDocumentPrefix()).contains(STACK_NAME + "-");
    assertThat(settings.allowedClusters()).containsExactly(CLUSTER);
    assertThat(settings.eventBus()).contains("default");
    assertThat(settings.drainTimeout()).isEqualTo(java.time.Duration.ofMinutes(30));
  }

  @ParameterizedTest(name = "{0} ms -> {1}")
  @CsvSource({"500, 500ms", "45000, 45s", "5400000, 90m", "7200000, 2h", "0, 0ms"})
  void durationsAreWrittenInTheFunctionsSyntax(long millis, String expected) {
    assertThat(FunctionSettings.duration(Duration.millis(millis))).isEqualTo(expected);
  }

  // ---- log group -------------------------------------------------------------------------------

  @Test
  void functionLogsToItsOwnLogGroupKeptForThreeMonths() {
    String logGroup = Fixtures.onlyLogicalId(defaults, "AWS::Logs::LogGroup");

    defaults.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
    defaults.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("LoggingConfig", Map.of("LogGroup", Map.of("Ref", logGroup))));
  }

  @Test
  void logRetentionFollowsTheProps() {
    Template template = Fixtures.template(p -> p.logRetention(RetentionDays.ONE_YEAR));

    template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 365));
  }

  // ---- SSM documents ---------------------------------------------------------------------------

  @Test
  void thereIsOneDocumentPerHostCommand() {
    defaults.resourceCountIs("AWS::SSM::Document", HostCommand.values().length);
  }

  @ParameterizedTest
  @EnumSource(HostCommand.class)
  void eachDocumentRunsExactlyItsCommandsFixedLinesWithoutParameters(HostCommand command) {
    defaults.hasResourceProperties(
        "AWS::SSM::Document",
        Map.of(
            "Name",
            command.documentName(STACK_NAME + "-"),
            "DocumentType",
            "Command",
            "DocumentFormat",
            "JSON",
            "TargetType",
            "/AWS::EC2::Instance",
            "UpdateMethod",
            "NewVersion",
            "Content",
            Match.objectEquals(
                Map.of(
                    "schemaVersion",
                    "2.2",
                    "description",
                    "Bottlerocket ECS updater, command "
                        + command.documentSuffix()
                        + ": fixed apiclient lines, no parameters.",
                    "mainSteps",
                    List.of(
                        Map.of(
                            "action", "aws:runShellScript",
                            "name", command.name().toLowerCase(java.util.Locale.ROOT),
                            "precondition",
                                Map.of("StringEquals", List.of("platformType", "Linux")),
                            "inputs",
                                Map.of(
                                    "timeoutSeconds", "300", "runCommand", command.lines())))))));
  }

  @Test
  void documentNamesUseTheGivenPrefix() {
    Template template = Fixtures.template(p -> p.documentPrefix("ProdUpdater-"));

    for (HostCommand command : HostCommand.values()) {
      template.hasResourceProperties(
          "AWS::SSM::Document", Map.of("Name", command.documentName("ProdUpdater-")));
    }
  }

  @Test
  void theDocumentsAreExposedByCommand() {
    Stack stack = Fixtures.stack();
    BottlerocketEcsUpdater updater = Fixtures.updater(stack, p -> p);

    assertThat(updater.getDocuments()).containsOnlyKeys(HostCommand.values());
    assertThat(updater.getDocuments().get(HostCommand.REBOOT).getName())
        .isEqualTo(STACK_NAME + "-Reboot");
    assertThat(updater.getDocumentPrefix()).isEqualTo(STACK_NAME + "-");
  }

  // ---- rules -----------------------------------------------------------------------------------

  @Test
  void theScheduleRulePassesEveryClusterEveryFifteenMinutesWithoutRetries() {
    Template template = Fixtures.template(p -> p.clusterArns(List.of(Fixtures.OTHER_CLUSTER)));
    String function = Fixtures.onlyLogicalId(template, "AWS::Lambda::Function");

    template.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "ScheduleExpression",
            "rate(15 minutes)",
            "State",
            "ENABLED",
            "Targets",
            List.of(
                Map.of(
                    "Arn",
                    Map.of("Fn::GetAtt", List.of(function, "Arn")),
                    "Id",
                    "Target0",
                    "Input",
                    "{\"clusters\":[\"" + CLUSTER + "\",\"" + Fixtures.OTHER_CLUSTER + "\"]}",
                    "RetryPolicy",
                    Map.of("MaximumRetryAttempts", 0)))));
  }

  @Test
  void theScheduleFollowsTheProps() {
    Template template =
        Fixtures.template(p -> p.schedule(Schedule.expression("cron(0 2 * * ? *)")));

    template.hasResourceProperties(
        "AWS::Events::Rule", Map.of("ScheduleExpression", "cron(0 2 * * ? *)"));
  }

  @Test
  void eventBridgeMayInvokeTheFunctionOnlyFromTheRules() {
    defaults.resourceCountIs("AWS::Lambda::Permission", 2);
    defaults.allResourcesProperties(
        "AWS::Lambda::Permission",
        Map.of(
            "Action", "lambda:InvokeFunction",
            "Principal", "events.amazonaws.com",
            "SourceArn", Map.of("Fn::GetAtt", List.of(Match.anyValue(), "Arn"))));
  }

  @Test
  void theEcsEventRuleWakesTheUpdaterOnlyForInstancesItIsUpdating() {
    defaults.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "EventPattern",
            Match.objectEquals(
                Map.of(
                    "source", List.of("aws.ecs"),
                    "detail-type", List.of("ECS Container Instance State Change"),
                    "detail",
                        Map.of(
                            "clusterArn", List.of(CLUSTER),
                            "attributes", Map.of("name", List.of("bottlerocket-ecs-updater.state")),
                            "status", List.of("DRAINING")))),
            "Targets",
            List.of(
                Match.objectLike(
                    Map.of(
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 0),
                        "Input", Match.absent())))));
  }

  @Test
  void theEcsEventRuleCanBeLeftOut() {
    Stack stack = Fixtures.stack();
    BottlerocketEcsUpdater updater = Fixtures.updater(stack, p -> p.ecsEventTrigger(false));
    Template template = Template.fromStack(stack);

    template.resourceCountIs("AWS::Events::Rule", 1);
    template.hasResourceProperties(
        "AWS::Events::Rule", Map.of("ScheduleExpression", "rate(15 minutes)"));
    assertThat(updater.getEcsEventRule()).isEmpty();
  }

  // ---- alarms ----------------------------------------------------------------------------------

  @Test
  void failedUpdatesRaiseAnAlarmOnTheSeriesWithoutDimensions() {
    defaults.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "Namespace", "BottlerocketEcsUpdater",
            "MetricName", "UpdatesFailed",
            "Dimensions", Match.absent(),
            "Statistic", "Sum",
            "Threshold", 1,
            "ComparisonOperator", "GreaterThanOrEqualToThreshold",
            "EvaluationPeriods", 1,
            "Period", 900,
            "TreatMissingData", "notBreaching"));
  }

  @Test
  void anOpenCircuitBreakerRaisesAnAlarmThatHoldsOverAMissedTick() {
    defaults.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "Namespace", "BottlerocketEcsUpdater",
            "MetricName", "CircuitBreakerOpen",
            "Dimensions", Match.absent(),
            "Statistic", "Maximum",
            "Threshold", 1,
            "ComparisonOperator", "GreaterThanOrEqualToThreshold",
            "EvaluationPeriods", 2,
            "DatapointsToAlarm", 1,
            "TreatMissingData", "notBreaching"));
  }

  @Test
  void failedInvocationsRaiseAnAlarm() {
    String function = Fixtures.onlyLogicalId(defaults, "AWS::Lambda::Function");

    defaults.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "Namespace", "AWS/Lambda",
            "MetricName", "Errors",
            "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", function))),
            "Statistic", "Sum",
            "Threshold", 1,
            "TreatMissingData", "notBreaching"));
  }

  @Test
  void withoutATopicTheAlarmsNotifyNobody() {
    defaults.resourceCountIs("AWS::CloudWatch::Alarm", 3);
    defaults.allResourcesProperties(
        "AWS::CloudWatch::Alarm", Map.of("AlarmActions", Match.absent()));
  }

  @Test
  void everyAlarmNotifiesTheTopic() {
    Stack stack = Fixtures.stack();
    Topic topic = new Topic(stack, "Alerts");
    Fixtures.updater(stack, p -> p.alarmTopic(topic));
    Template template = Template.fromStack(stack);
    String topicId = Fixtures.onlyLogicalId(template, "AWS::SNS::Topic");

    template.allResourcesProperties(
        "AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(Map.of("Ref", topicId))));
  }

  @Test
  void alarmsWatchTheMetricsNamespaceOfTheProps() {
    Template template = Fixtures.template(p -> p.metricsNamespace("Updates/Prod"));

    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of("Namespace", "Updates/Prod", "MetricName", "UpdatesFailed"));
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of("Namespace", "Updates/Prod", "MetricName", "CircuitBreakerOpen"));
  }

  @ParameterizedTest(name = "{0} -> {1} s")
  @CsvSource(
      delimiter = '|',
      value = {
        "rate(15 minutes) | 900",
        "rate(1 hour)     | 3600",
        "rate(2 days)     | 43200",
        "cron(0 2 * * ? *) | 3600"
      })
  void theAlarmPeriodFollowsTheSchedule(String schedule, long seconds) {
    assertThat(UpdaterAlarms.period(Schedule.expression(schedule)))
        .isEqualTo(java.time.Duration.ofSeconds(seconds));
  }

  // ---- placement -------------------------------------------------------------------------------

  @Test
  void aStackWithoutKnownRegionRefusesToDeployAwayFromTheClusters() {
    Stack stack = Fixtures.environmentAgnosticStack();
    Fixtures.updater(stack, p -> p);

    Object rules = Template.fromStack(stack).toJSON().get("Rules");
    assertThat(Fixtures.flatten(rules).toString())
        .contains("{Fn::Equals=[${AWS::Region}, eu-west-1]}")
        .contains("{Fn::Equals=[${AWS::AccountId}, 111122223333]}");
  }

  @Test
  void aStackWithKnownRegionNeedsNoDeployTimeCheck() {
    assertThat(defaults.toJSON().get("Rules").toString()).doesNotContain("AWS::Region");
  }

  @Test
  void theClustersCanBeConstructs() {
    Stack stack = Fixtures.stack();
    var cluster =
        software.amazon.awscdk.services.ecs.Cluster.fromClusterArn(stack, "Prod", CLUSTER);
    BottlerocketEcsUpdater updater =
        new BottlerocketEcsUpdater(
            stack,
            "Updater",
            BottlerocketEcsUpdaterProps.builder()
                .clusters(List.of(cluster))
                .code(Fixtures.stubCode())
                .build());

    assertThat(updater.getClusterArns()).containsExactly(CLUSTER);
    assertThat(environment(Template.fromStack(stack)))
        .containsEntry(Setting.ALLOWED_CLUSTERS.key(), CLUSTER);
  }
}
