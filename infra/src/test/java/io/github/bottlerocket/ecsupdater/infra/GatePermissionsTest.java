package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.ACCOUNT;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.REGION;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.asList;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.IAlarm;

/** The rollout gates' statements: each only when its gate is configured, on its resources only. */
class GatePermissionsTest {
  private static final List<String> GATE_SIDS =
      List.of(
          "ReadRolloutAlarms",
          "ReadChangeCalendars",
          "ReadBottlerocketReleases",
          "ReadPromotionSource");

  private static Map<String, Map<String, Object>> statements(
      java.util.function.UnaryOperator<BottlerocketEcsUpdaterProps.Builder> change) {
    return Fixtures.statements(Fixtures.template(change));
  }

  private static String arn(String service, String account, String resource) {
    return "arn:aws:" + service + ":" + REGION + ":" + account + ":" + resource;
  }

  @Test
  void withoutGatesTheRoleHasNoGateStatement() {
    assertThat(statements(p -> p).keySet()).doesNotContainAnyElementsOf(GATE_SIDS);
  }

  @Test
  void alarmsAreReadByNameAndByPrefixOnly() {
    Map<String, Object> s =
        statements(p -> p.alarmNames(List.of("HighErrors", "Latency")).alarmPrefix("prod-"))
            .get("ReadRolloutAlarms");

    assertThat(asList(s.get("Action"))).containsExactly("cloudwatch:DescribeAlarms");
    assertThat(asList(s.get("Resource")))
        .containsExactlyInAnyOrder(
            arn("cloudwatch", ACCOUNT, "alarm:HighErrors"),
            arn("cloudwatch", ACCOUNT, "alarm:Latency"),
            arn("cloudwatch", ACCOUNT, "alarm:prod-*"));
  }

  @Test
  void anAlarmGivenAsAConstructIsReadByItsArnAndNamedToTheFunction() {
    Stack stack = Fixtures.stack();
    IAlarm alarm = Alarm.fromAlarmArn(stack, "Errors", arn("cloudwatch", ACCOUNT, "alarm:api-5xx"));
    Fixtures.updater(stack, p -> p.alarms(List.of(alarm)));
    Template template = Template.fromStack(stack);

    Map<String, Object> s = Fixtures.statements(template).get("ReadRolloutAlarms");

    assertThat(asList(s.get("Resource")))
        .containsExactly(arn("cloudwatch", ACCOUNT, "alarm:api-5xx"));
    assertThat(template.toJSON().toString()).contains("ALARM_NAMES=api-5xx");
  }

  @Test
  void calendarsAreReadByTheirDocumentArns() {
    String other = arn("ssm", "444455556666", "document/shared-freeze");
    Map<String, Object> s =
        statements(p -> p.changeCalendars(List.of("freeze", other))).get("ReadChangeCalendars");

    assertThat(asList(s.get("Action"))).containsExactly("ssm:GetCalendarState");
    assertThat(asList(s.get("Resource")))
        .containsExactlyInAnyOrder(arn("ssm", ACCOUNT, "document/freeze"), other);
  }

  @Test
  void aSoakReadsOnlyBottlerocketsPublicParameters() {
    Map<String, Map<String, Object>> all = statements(p -> p.minReleaseAge(Duration.days(3)));
    Map<String, Object> s = all.get("ReadBottlerocketReleases");

    assertThat(asList(s.get("Action"))).containsExactly("ssm:GetParameters");
    assertThat(asList(s.get("Resource")))
        .containsExactly(arn("ssm", "", "parameter/aws/service/bottlerocket/*"));
    assertThat(tagKeys(all)).contains("bottlerocket-ecs-updater:first-seen");
  }

  @Test
  void promotionReadsOnlyTheSourceCluster() {
    Map<String, Object> s = statements(p -> p.promoteFrom("staging")).get("ReadPromotionSource");

    assertThat(asList(s.get("Action"))).containsExactly("ecs:DescribeClusters");
    assertThat(asList(s.get("Resource"))).containsExactly(arn("ecs", ACCOUNT, "cluster/staging"));
  }

  @Test
  void aBakeMayWriteItsClusterTag() {
    Map<String, Map<String, Object>> all = statements(p -> p.bakeTime(Duration.minutes(10)));

    assertThat(tagKeys(all))
        .containsExactly(
            "bottlerocket-ecs-updater:last-check",
            "bottlerocket-ecs-updater:lease-table",
            "bottlerocket-ecs-updater:versions",
            "bottlerocket-ecs-updater:bake");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> tagKeys(Map<String, Map<String, Object>> statements) {
    Map<String, Object> condition =
        (Map<String, Object>) statements.get("TagManagedClusters").get("Condition");
    return asList(
        ((Map<String, Object>) condition.get("ForAllValues:StringEquals")).get("aws:TagKeys"));
  }
}
