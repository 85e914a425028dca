package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.MaintenanceWindow;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Architecture;

/** Every rule the props are checked against, with the exact message the operator reads. */
class PropsValidationTest {
  private static final String US_EAST = "arn:aws:ecs:us-east-1:111122223333:cluster/prod";
  private static final String FUNCTION_REJECTS = ": the function would reject this: ";

  private static Arguments rule(
      String name,
      Supplier<Stack> stack,
      BiFunction<Stack, BottlerocketEcsUpdaterProps.Builder, BottlerocketEcsUpdaterProps.Builder>
          props,
      String problem) {
    return Arguments.of(name, stack, props, problem);
  }

  /** Starts from props that work and changes one thing. */
  private static Arguments rule(
      String name,
      java.util.function.UnaryOperator<BottlerocketEcsUpdaterProps.Builder> change,
      String problem) {
    return rule(name, Fixtures::stack, (s, b) -> change.apply(b), problem);
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(
            "no cluster",
            (Supplier<Stack>) Fixtures::stack,
            (BiFunction<
                    Stack,
                    BottlerocketEcsUpdaterProps.Builder,
                    BottlerocketEcsUpdaterProps.Builder>)
                (s, b) -> BottlerocketEcsUpdaterProps.builder().code(Fixtures.stubCode()),
            "clusters: no cluster to manage; pass clusters(List.of(cluster)) or"
                + " clusterArns(List.of(\"arn:aws:ecs:<region>:<account>:cluster/<name>\"))"),
        rule(
            "not an ARN",
            b -> b.clusterArns(List.of("prod")),
            "clusterArns: 'prod' is not an ECS cluster ARN; write it as"
                + " arn:<partition>:ecs:<region>:<account>:cluster/<name>"),
        rule(
            "listed twice",
            b -> b.clusterArns(List.of(CLUSTER)),
            "clusterArns: '" + CLUSTER + "' is listed twice; list each cluster once"),
        rule(
            "other region than the stack",
            Fixtures::stack,
            (s, b) ->
                BottlerocketEcsUpdaterProps.builder()
                    .code(Fixtures.stubCode())
                    .clusterArns(List.of(US_EAST)),
            "clusterArns: '"
                + US_EAST
                + "' is in region us-east-1 but the stack deploys to eu-west-1; deploy the stack"
                + " to the clusters' region"),
        rule(
            "other account than the stack",
            Fixtures::stack,
            (s, b) ->
                BottlerocketEcsUpdaterProps.builder()
                    .code(Fixtures.stubCode())
                    .clusterArns(List.of("arn:aws:ecs:eu-west-1:999999999999:cluster/prod")),
            "clusterArns: 'arn:aws:ecs:eu-west-1:999999999999:cluster/prod' is in account"
                + " 999999999999 but the stack deploys to 111122223333; deploy the stack to the"
                + " clusters' account"),
        rule(
            "clusters in two regions",
            Fixtures::environmentAgnosticStack,
            (s, b) -> b.clusterArns(List.of(US_EAST)),
            "clusterArns: the clusters are in eu-west-1 in account 111122223333 and us-east-1 in"
                + " account 111122223333; one updater manages the clusters of one account and"
                + " region, so deploy one stack per region and account"),
        rule(
            "one cluster at a time through the queue",
            b -> b.clusterConcurrency(1),
            "clusterConcurrency: 1 is outside the range of an SQS event source's maximum"
                + " concurrency, 2 to 1000"),
        rule(
            "a fan-out queue that is not FIFO",
            b -> b.fanOutQueueName("updater-fan-out"),
            "fanOutQueueName"
                + FUNCTION_REJECTS
                + "FAN_OUT_QUEUE must be the name of an SQS FIFO queue (up to 75 letters, digits,"
                + " '-' and '_', then .fifo), or empty, got 'updater-fan-out'"),
        rule(
            "memory below Lambda's range",
            b -> b.memorySize(64),
            "memorySize: 64 MB is outside Lambda's range of 128 to 10240 MB"),
        rule(
            "memory above Lambda's range",
            b -> b.memorySize(20_000),
            "memorySize: 20000 MB is outside Lambda's range of 128 to 10240 MB"),
        rule(
            "unknown architecture",
            b -> b.architecture(Architecture.custom("riscv64")),
            "architecture: 'riscv64' is not a Lambda architecture; use Architecture.ARM_64 or"
                + " Architecture.X86_64"),
        rule(
            "document prefix reserved by AWS",
            b -> b.documentPrefix("AWS-Updater-"),
            "documentPrefix: 'AWS-Updater-' starts with 'aws', which AWS reserves for its own SSM"
                + " documents; pass another documentPrefix"),
        rule(
            "document prefix with spaces",
            b -> b.documentPrefix("my updater").leaseTableName("Leases").fanOutQueueName("q.fifo"),
            "documentPrefix"
                + FUNCTION_REJECTS
                + "SSM_DOCUMENT_PREFIX must be letters, digits, '_', '-' and '.', at most 100"
                + " characters (e.g. BottlerocketUpdater-), got 'my updater'"),
        rule(
            "no instance out of service at a time",
            b -> b.maxConcurrent(0),
            "maxConcurrent"
                + FUNCTION_REJECTS
                + "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's"
                + " Bottlerocket instances from 1% to 100% (e.g. 25%), got '0'"),
        rule(
            "task protection neither respected nor ignored",
            b -> b.taskProtection("off"),
            "taskProtection"
                + FUNCTION_REJECTS
                + "TASK_PROTECTION must be respect (no drain while a service task is protected from"
                + " scale-in) or ignore, got 'off'"),
        rule(
            "negative failure budget",
            b -> b.failureBudget(-1),
            "failureBudget"
                + FUNCTION_REJECTS
                + "FAILURE_BUDGET must be a whole number from 0 to 1000, got '-1'"),
        rule(
            "unreadable maintenance window",
            b -> b.maintenanceWindow("whenever"),
            "maintenanceWindow"
                + FUNCTION_REJECTS
                + "MAINTENANCE_WINDOW must be "
                + MaintenanceWindow.FORM
                + "; cannot read 'whenever' in 'whenever'"),
        rule(
            "unknown time zone",
            b -> b.maintenanceTimezone("Mars/Olympus"),
            "maintenanceTimezone"
                + FUNCTION_REJECTS
                + "MAINTENANCE_TIMEZONE must be an IANA time zone such as UTC or Europe/Berlin,"
                + " got 'Mars/Olympus'"),
        rule(
            "zero drain timeout",
            b -> b.drainTimeout(Duration.millis(0)),
            "drainTimeout"
                + FUNCTION_REJECTS
                + "DRAIN_TIMEOUT must be "
                + Durations.FORMS
                + ", at least 1ms, at most 30d, got '0ms'"),
        rule(
            "zero reboot timeout",
            b -> b.rebootTimeout(Duration.millis(0)),
            "rebootTimeout"
                + FUNCTION_REJECTS
                + "REBOOT_TIMEOUT must be "
                + Durations.FORMS
                + ", at least 1ms, at most 30d, got '0ms'"),
        rule(
            "metrics namespace with a dollar",
            b -> b.metricsNamespace("bad$ns"),
            "metricsNamespace"
                + FUNCTION_REJECTS
                + "METRICS_NAMESPACE must be a CloudWatch namespace of letters, digits and"
                + " . _ - / # : and spaces, got 'bad$ns'"),
        rule(
            "control parameter given as an ARN",
            b -> b.controlParameterName("arn:aws:ssm:eu-west-1:111122223333:parameter/ops/switch"),
            "controlParameterName: 'arn:aws:ssm:eu-west-1:111122223333:parameter/ops/switch' is an"
                + " ARN, but the construct creates the parameter and needs its name, e.g."
                + " /bottlerocket-ecs-updater/prod/control"),
        rule(
            "control parameter name the function would refuse",
            b -> b.controlParameterName("/aws/switch"),
            "controlParameterName"
                + FUNCTION_REJECTS
                + "CONTROL_PARAMETER must be an SSM parameter name such as"
                + " /bottlerocket-ecs-updater/prod/control (letters, digits, '_', '.' and '-', in"
                + " levels after '/'; not starting with aws or ssm) or its ARN, or empty for no"
                + " control switch, got '/aws/switch'"),
        rule(
            "a share over 100%",
            b -> b.maxConcurrentPercent(150),
            "maxConcurrent"
                + FUNCTION_REJECTS
                + "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the"
                + " cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '150%'"),
        rule(
            "a malformed version cap",
            b -> b.maxVersion("1.20"),
            "maxVersion"
                + FUNCTION_REJECTS
                + "MAX_VERSION must be a Bottlerocket version such as 1.20.1 (three numbers"
                + " separated by dots; a leading v is allowed), or empty for no cap, got '1.20'"),
        rule(
            "a malformed expedited version",
            b -> b.expediteVersions(List.of("1.20.3", "latest")),
            "expediteVersions"
                + FUNCTION_REJECTS
                + "EXPEDITE_VERSIONS must be comma-separated versions, each a Bottlerocket version"
                + " such as 1.20.1 (three numbers separated by dots; a leading v is allowed);"
                + " 'latest' is not one, in '1.20.3,latest'"),
        rule(
            "promotion hosts without a source",
            b -> b.promoteMinHosts(2),
            "promoteMinHosts"
                + FUNCTION_REJECTS
                + "PROMOTE_MIN_HOSTS must be set only together with PROMOTE_FROM, the cluster whose"
                + " hosts it counts, got '2'"),
        rule(
            "a calendar name with a space",
            b -> b.changeCalendars(List.of("freeze", "my calendar")),
            "changeCalendars"
                + FUNCTION_REJECTS
                + "CHANGE_CALENDARS must be comma-separated SSM Change Calendar names or document"
                + " ARNs, at most 10, or empty for none; 'my calendar' is not one, in"
                + " 'freeze,my calendar'"),
        rule(
            "an unknown insufficient-data choice",
            b -> b.alarmInsufficientData("breaching"),
            "alarmInsufficientData"
                + FUNCTION_REJECTS
                + "ALARM_INSUFFICIENT_DATA must be 'hold' (new starts wait, as in ALARM) or 'ok'"
                + " (counts as OK), got 'breaching'"),
        rule(
            "a canary bake shorter than the bake",
            b ->
                b.bakeTime(software.amazon.awscdk.Duration.hours(1))
                    .canaryBakeTime(software.amazon.awscdk.Duration.minutes(10)),
            "canaryBakeTime"
                + FUNCTION_REJECTS
                + "CANARY_BAKE_TIME must be at least BAKE_TIME (1h): the canaries' bake is the"
                + " longer one, got '10m'"),
        rule(
            "empty instance tag key",
            b -> b.instanceTag("", "prod"),
            "instanceTag: the key must have 1 to 128 characters, got ''"),
        rule(
            "instance tag value too long",
            b -> b.instanceTag("ecs-cluster", "x".repeat(257)),
            "instanceTag: the value must have at most 256 characters"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void invalidPropsAreRefusedWithAMessageThatSaysWhatToDo(
      String name,
      Supplier<Stack> stackFactory,
      BiFunction<Stack, BottlerocketEcsUpdaterProps.Builder, BottlerocketEcsUpdaterProps.Builder>
          props,
      String problem) {
    Stack stack = stackFactory.get();
    BottlerocketEcsUpdaterProps built = props.apply(stack, Fixtures.props()).build();

    assertThatThrownBy(() -> new BottlerocketEcsUpdater(stack, "Updater", built))
        .isInstanceOf(InvalidPropsException.class)
        .hasMessage("Invalid BottlerocketEcsUpdater props: " + problem);
  }

  @Test
  void nothingIsCreatedFromInvalidProps() {
    Stack stack = Fixtures.stack();
    BottlerocketEcsUpdaterProps props = Fixtures.props().memorySize(1).build();

    assertThatThrownBy(() -> new BottlerocketEcsUpdater(stack, "Updater", props))
        .isInstanceOf(InvalidPropsException.class);
    assertThat(stack.getNode().findAll())
        .noneMatch(c -> c instanceof software.amazon.awscdk.CfnElement);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Stack stack = Fixtures.stack();
    BottlerocketEcsUpdaterProps props = Fixtures.props().memorySize(64).maxConcurrent(0).build();

    assertThatThrownBy(() -> new BottlerocketEcsUpdater(stack, "Updater", props))
        .isInstanceOfSatisfying(
            InvalidPropsException.class,
            e -> {
              assertThat(e.problems()).hasSize(2);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Invalid BottlerocketEcsUpdater props:\n  - "
                          + e.problems().get(0)
                          + "\n  - "
                          + e.problems().get(1));
            });
  }

  @Test
  void twoUpdatersInAStackNeedDifferentDocumentPrefixes() {
    Stack stack = Fixtures.stack();
    new BottlerocketEcsUpdater(stack, "First", Fixtures.props().build());
    BottlerocketEcsUpdaterProps second =
        BottlerocketEcsUpdaterProps.builder()
            .clusterArns(List.of(Fixtures.OTHER_CLUSTER))
            .code(Fixtures.stubCode())
            .controlParameterName("/ops/batch-updater/control")
            .build();

    assertThatThrownBy(() -> new BottlerocketEcsUpdater(stack, "Second", second))
        .hasMessage(
            "Invalid BottlerocketEcsUpdater props:\n  - documentPrefix: 'UpdaterTest-' is already"
                + " used by UpdaterTest/First; SSM document names are unique per account and"
                + " region, so pass another documentPrefix\n  - leaseTableName:"
                + " 'UpdaterTest-Leases' is already used by UpdaterTest/First; DynamoDB table names"
                + " are unique per account and region, so pass another leaseTableName\n  -"
                + " fanOutQueueName: 'UpdaterTest-FanOut.fifo' is already used by UpdaterTest/First;"
                + " SQS queue names are unique per account and region, so pass another"
                + " fanOutQueueName");
  }

  @Test
  void twoUpdatersInAStackNeedDifferentLeaseTables() {
    Stack stack = Fixtures.stack();
    new BottlerocketEcsUpdater(stack, "First", Fixtures.props().build());
    BottlerocketEcsUpdaterProps second =
        BottlerocketEcsUpdaterProps.builder()
            .clusterArns(List.of(Fixtures.OTHER_CLUSTER))
            .code(Fixtures.stubCode())
            .documentPrefix("Batch-")
            .controlParameterName("/ops/batch-updater/control")
            .leaseTableName("UpdaterTest-Leases")
            .fanOutQueueName("Batch-FanOut.fifo")
            .build();

    assertThatThrownBy(() -> new BottlerocketEcsUpdater(stack, "Second", second))
        .hasMessage(
            "Invalid BottlerocketEcsUpdater props: leaseTableName: 'UpdaterTest-Leases' is"
                + " already used by UpdaterTest/First; DynamoDB table names are unique per account"
                + " and region, so pass another leaseTableName");
  }

  @Test
  void aLeaseTableNameDynamoDbWouldRefuseIsRefusedWithTheFunctionsWords() {
    assertThatThrownBy(() -> Fixtures.template(b -> b.leaseTableName("my leases")))
        .hasMessage(
            "Invalid BottlerocketEcsUpdater props: leaseTableName"
                + FUNCTION_REJECTS
                + "LEASE_TABLE must be a DynamoDB table name (3 to 255 letters, digits, '_', '-'"
                + " and '.'), or empty, got 'my leases'");
  }

  @Test
  void twoUpdatersInAStackWorkWithTheirOwnPrefixes() {
    Stack stack = Fixtures.stack();
    new BottlerocketEcsUpdater(stack, "First", Fixtures.props().build());
    new BottlerocketEcsUpdater(
        stack,
        "Second",
        BottlerocketEcsUpdaterProps.builder()
            .clusterArns(List.of(Fixtures.OTHER_CLUSTER))
            .code(Fixtures.stubCode())
            .documentPrefix("Batch-")
            .controlParameterName("/bottlerocket-ecs-updater/UpdaterTest/batch/control")
            .metricsNamespace("BottlerocketEcsUpdater/Batch")
            .build());

    Template.fromStack(stack).resourceCountIs("AWS::SSM::Document", 12);
  }

  @Test
  void aSecondUpdaterInAStackNeedsItsOwnControlParameter() {
    Stack stack = Fixtures.stack();
    new BottlerocketEcsUpdater(stack, "First", Fixtures.props().build());
    BottlerocketEcsUpdaterProps second =
        BottlerocketEcsUpdaterProps.builder()
            .clusterArns(List.of(Fixtures.OTHER_CLUSTER))
            .code(Fixtures.stubCode())
            .documentPrefix("Batch-")
            .build();

    assertThatThrownBy(() -> new BottlerocketEcsUpdater(stack, "Second", second))
        .hasMessage(
            "Invalid BottlerocketEcsUpdater props: controlParameterName:"
                + " '/bottlerocket-ecs-updater/UpdaterTest/control' is already used by"
                + " UpdaterTest/First; SSM parameter names are unique per account and region, so"
                + " pass another controlParameterName");
  }
}
