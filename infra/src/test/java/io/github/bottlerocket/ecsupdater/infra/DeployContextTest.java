package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.OTHER_CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Reading {@code cdk -c key=value} into the stack's settings. */
class DeployContextTest {

  private static BottlerocketEcsUpdaterProps propsFrom(Map<String, ?> context) {
    return DeployContext.from(context).apply(BottlerocketEcsUpdaterProps.builder()).build();
  }

  @Test
  void nothingIsRequired() {
    DeployContext context = DeployContext.from(Map.of());

    assertThat(context.clusterArns()).isEmpty();
    assertThat(context.stackName()).isEqualTo("BottlerocketEcsUpdater");
    assertThat(context.alarmTopicArn()).isEmpty();
    assertThat(context.settings()).isEmpty();
  }

  @Test
  void severalClustersAreSeparatedByCommas() {
    DeployContext context =
        DeployContext.from(Map.of("clusterArn", CLUSTER + ", " + OTHER_CLUSTER));

    assertThat(context.clusterArns()).containsExactly(CLUSTER, OTHER_CLUSTER);
  }

  @Test
  void clustersMayBeAListInCdkJson() {
    DeployContext context =
        DeployContext.from(Map.of("clusterArn", List.of(CLUSTER, OTHER_CLUSTER)));

    assertThat(context.clusterArns()).containsExactly(CLUSTER, OTHER_CLUSTER);
  }

  @Test
  void everyKeyReachesItsProp() {
    Map<String, Object> all = new HashMap<>();
    all.put("schedule", "rate(30 minutes)");
    all.put("maintenanceWindow", "Sat,Sun 02:00-06:00");
    all.put("maintenanceTimezone", "Europe/Berlin");
    all.put("maxConcurrent", "2");
    all.put("failureBudget", 1);
    all.put("drainTimeout", "45m");
    all.put("rebootTimeout", "PT25M");
    all.put("checkInterval", "2h");
    all.put("paused", "true");
    all.put("logRetentionDays", "365");
    all.put("memorySize", "1024");
    all.put("architecture", "x86_64");
    all.put("ecsEventTrigger", false);
    all.put("concurrencyGuard", "false");
    all.put("metricsNamespace", "Updates/Prod");
    all.put("documentPrefix", "Prod-");
    all.put("instanceTag", "ecs-cluster=prod");

    BottlerocketEcsUpdaterProps props = propsFrom(all);

    assertThat(props.getSchedule().getExpressionString()).isEqualTo("rate(30 minutes)");
    assertThat(props.getSetting(Setting.MAINTENANCE_WINDOW)).isEqualTo("Sat,Sun 02:00-06:00");
    assertThat(props.getSetting(Setting.MAINTENANCE_TIMEZONE)).isEqualTo("Europe/Berlin");
    assertThat(props.getSetting(Setting.MAX_CONCURRENT)).isEqualTo("2");
    assertThat(props.getSetting(Setting.FAILURE_BUDGET)).isEqualTo("1");
    assertThat(props.getSetting(Setting.DRAIN_TIMEOUT)).isEqualTo("45m");
    assertThat(props.getSetting(Setting.REBOOT_TIMEOUT)).isEqualTo("PT25M");
    assertThat(props.getSetting(Setting.CHECK_INTERVAL)).isEqualTo("2h");
    assertThat(props.getSetting(Setting.PAUSED)).isEqualTo("true");
    assertThat(props.getLogRetention()).isEqualTo(RetentionDays.ONE_YEAR);
    assertThat(props.getMemorySize()).isEqualTo(1024);
    assertThat(props.getArchitecture().getName()).isEqualTo(Architecture.X86_64.getName());
    assertThat(props.isEcsEventTrigger()).isFalse();
    assertThat(props.isConcurrencyGuard()).isFalse();
    assertThat(props.getSetting(Setting.METRICS_NAMESPACE)).isEqualTo("Updates/Prod");
    assertThat(props.getDocumentPrefix()).contains("Prod-");
    assertThat(props.getInstanceTagKey()).contains("ecs-cluster");
    assertThat(props.getInstanceTagValue()).contains("prod");
  }

  @ParameterizedTest(name = "paused={0}")
  @CsvSource({"yes,true", "ON,true", "1,true", "no,false", "0,false", "Off,false"})
  void pausedTakesTheWordsOfThePausedSetting(String word, boolean paused) {
    String value = propsFrom(Map.of("paused", word)).getSetting(Setting.PAUSED);

    assertThat(Settings.fromEnvironment(Map.of(Setting.PAUSED.key(), value)).paused())
        .isEqualTo(paused);
  }

  @Test
  void theCdksOwnKeysAreLeftAlone() {
    Map<String, Object> all =
        Map.of(
            "aws:cdk:enable-path-metadata", true,
            "@aws-cdk/core:newStyleStackSynthesis", true,
            "availability-zones:account=111122223333:region=eu-west-1", List.of("eu-west-1a"));

    assertThat(DeployContext.from(all).settings()).isEmpty();
  }

  static Stream<Arguments> invalidContext() {
    return Stream.of(
        Arguments.of(
            Map.of("clusterArns", CLUSTER),
            "context key 'clusterArns' is unknown; the keys are "
                + String.join(", ", DeployContext.KEYS)),
        Arguments.of(
            Map.of("logRetentionDays", "100"),
            "context key 'logRetentionDays' must be one of CloudWatch Logs' retention periods: 1,"
                + " 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,"
                + " 2557, 2922, 3288, 3653, got '100'"),
        Arguments.of(
            Map.of("architecture", "arm"),
            "context key 'architecture' must be arm64 or x86_64, got 'arm'"),
        Arguments.of(
            Map.of("alarmTopicArn", "alerts"),
            "context key 'alarmTopicArn' must be an SNS topic ARN,"
                + " arn:aws:sns:<region>:<account>:<name>, got 'alerts'"),
        Arguments.of(
            Map.of("instanceTag", "ecs-cluster"),
            "context key 'instanceTag' must be key=value, e.g. ecs-cluster=prod, got"
                + " 'ecs-cluster'"),
        Arguments.of(
            Map.of("stackName", "1st-updater"),
            "context key 'stackName' must be a CloudFormation stack name (a letter, then letters,"
                + " digits and '-', at most 128), got '1st-updater'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidContext")
  void invalidContextIsRefusedNamingTheKey(Map<String, ?> context, String problem) {
    assertThatThrownBy(() -> DeployContext.from(context))
        .isInstanceOf(DeployContext.InvalidContextException.class)
        .hasMessage("Invalid context: " + problem);
  }

  @Test
  void everyBadKeyIsReportedAtOnce() {
    assertThatThrownBy(
            () -> DeployContext.from(Map.of("architecture", "arm", "memorySize", "lots")))
        .isInstanceOfSatisfying(
            DeployContext.InvalidContextException.class, e -> assertThat(e.problems()).hasSize(2));
  }
}
