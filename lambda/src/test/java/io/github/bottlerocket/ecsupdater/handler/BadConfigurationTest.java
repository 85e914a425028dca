package io.github.bottlerocket.ecsupdater.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.MaintenanceWindow;
import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An invalid value for each setting, through the handler: the function still initialises, and every
 * invocation fails with the exact message before any AWS call. {@code SettingsTest} holds more
 * values per setting; this table has one row for every setting that can be invalid, which a test
 * below keeps true as settings are added.
 */
class BadConfigurationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DURATION =
      "a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M)";

  private final FakeCluster cluster = new FakeCluster();

  private UpdaterHandler handler(Map<String, String> env) {
    return new UpdaterHandler(
        env,
        s -> cluster,
        s -> cluster,
        s -> PassListener.NONE,
        Optional.of("us-east-1"),
        cluster.clock,
        cluster.sleeper());
  }

  private static void invoke(UpdaterHandler handler, ByteArrayOutputStream out) throws IOException {
    handler.handleRequest(
        new ByteArrayInputStream("{\"cluster\":\"prod\"}".getBytes(StandardCharsets.UTF_8)),
        out,
        null);
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        Arguments.of(
            Setting.MAX_CONCURRENT,
            "0",
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '0'"),
        Arguments.of(
            Setting.FAILURE_BUDGET,
            "-1",
            "FAILURE_BUDGET must be a whole number from 0 to 1000, got '-1'"),
        Arguments.of(
            Setting.CHECK_INTERVAL,
            "hourly",
            "CHECK_INTERVAL must be " + DURATION + ", at most 365d, got 'hourly'"),
        Arguments.of(
            Setting.CHECK_TIMEOUT,
            "0s",
            "CHECK_TIMEOUT must be " + DURATION + ", at least 1ms, at most 15m, got '0s'"),
        Arguments.of(
            Setting.POLL_INTERVAL,
            "15",
            "POLL_INTERVAL must be " + DURATION + ", at least 1ms, at most 15m, got '15'"),
        Arguments.of(
            Setting.COMMAND_POLL_INTERVAL,
            "0s",
            "COMMAND_POLL_INTERVAL must be " + DURATION + ", at least 1ms, at most 15m, got '0s'"),
        Arguments.of(
            Setting.STAGE_TIMEOUT,
            "20 minutes",
            "STAGE_TIMEOUT must be " + DURATION + ", at least 1ms, at most 30d, got '20 minutes'"),
        Arguments.of(
            Setting.DRAIN_TIMEOUT,
            "-30m",
            "DRAIN_TIMEOUT must be " + DURATION + ", at least 1ms, at most 30d, got '-30m'"),
        Arguments.of(
            Setting.ACTIVATE_TIMEOUT,
            "2x",
            "ACTIVATE_TIMEOUT must be " + DURATION + ", at least 1ms, at most 30d, got '2x'"),
        Arguments.of(
            Setting.REBOOT_TIMEOUT,
            "0",
            "REBOOT_TIMEOUT must be " + DURATION + ", at least 1ms, at most 30d, got '0'"),
        Arguments.of(
            Setting.REBOOT_GRACE,
            "soon",
            "REBOOT_GRACE must be " + DURATION + ", at most 30d, got 'soon'"),
        Arguments.of(
            Setting.VERIFY_TIMEOUT,
            "0ms",
            "VERIFY_TIMEOUT must be " + DURATION + ", at least 1ms, at most 30d, got '0ms'"),
        Arguments.of(
            Setting.RETRY_BACKOFF,
            "-30m",
            "RETRY_BACKOFF must be " + DURATION + ", at most 365d, got '-30m'"),
        Arguments.of(
            Setting.RETRY_BACKOFF_MAX,
            "10m",
            "RETRY_BACKOFF_MAX must be at least RETRY_BACKOFF (30m), got '10m'"),
        Arguments.of(
            Setting.DEADLINE_MARGIN,
            "30",
            "DEADLINE_MARGIN must be " + DURATION + ", at most 15m, got '30'"),
        Arguments.of(
            Setting.MAX_PASS_DURATION,
            "0s",
            "MAX_PASS_DURATION must be " + DURATION + ", at least 1ms, at most 7d, got '0s'"),
        Arguments.of(
            Setting.MAINTENANCE_WINDOW,
            "Sat 02:00",
            "MAINTENANCE_WINDOW must be '<days> <HH:MM>-<HH:MM>' entries separated by ';', e.g. 'Sat,Sun 02:00-06:00' or "
                + "'Mon-Fri 22:00-04:00' (days: daily, weekdays, weekends, Mon..Sun, Mon-Fri, Sat,Sun), or empty for always; "
                + "cannot read 'Sat 02:00' in 'Sat 02:00'"),
        Arguments.of(
            Setting.MAINTENANCE_TIMEZONE,
            "Berlin",
            "MAINTENANCE_TIMEZONE must be an IANA time zone such as UTC or Europe/Berlin, got 'Berlin'"),
        Arguments.of(
            Setting.PAUSED,
            "maybe",
            "PAUSED must be true, yes, 1 or on, or false, no, 0 or off, got 'maybe'"),
        Arguments.of(
            Setting.CHECK_RETRY_INTERVAL,
            "soon",
            "CHECK_RETRY_INTERVAL must be " + DURATION + ", at most 365d, got 'soon'"),
        Arguments.of(
            Setting.CONTROL_PARAMETER,
            "my control",
            "CONTROL_PARAMETER must be an SSM parameter name such as /bottlerocket-ecs-updater/prod/control (letters, digits, '_', '.' and '-', in levels after '/'; not starting with aws or ssm) or its ARN, or empty for no control switch, got 'my control'"),
        Arguments.of(
            Setting.CONTROL_INTERVAL,
            "0s",
            "CONTROL_INTERVAL must be " + DURATION + ", at least 1ms, at most 15m, got '0s'"),
        Arguments.of(
            Setting.SSM_DOCUMENT_PREFIX,
            "Bottlerocket Updater",
            "SSM_DOCUMENT_PREFIX must be letters, digits, '_', '-' and '.', at most 100 characters (e.g. BottlerocketUpdater-), got 'Bottlerocket Updater'"),
        Arguments.of(
            Setting.COMMAND_DELIVERY_TIMEOUT,
            "3d",
            "COMMAND_DELIVERY_TIMEOUT must be at most 48h (an SSM limit), got '3d'"),
        Arguments.of(
            Setting.EVENT_BUS,
            "my bus",
            "EVENT_BUS must be an event bus name or ARN, or 'none' to send no events, got 'my bus'"),
        Arguments.of(
            Setting.METRICS_NAMESPACE,
            "Updater$",
            "METRICS_NAMESPACE must be a CloudWatch namespace of letters, digits and . _ - / # : and spaces, got 'Updater$'"),
        Arguments.of(
            Setting.TASK_PROTECTION,
            "false",
            "TASK_PROTECTION must be respect (no drain while a service task is protected from scale-in) or ignore, got 'false'"),
        Arguments.of(
            Setting.SCALE_IN_SHIELD,
            "respect",
            "SCALE_IN_SHIELD must be true, yes, 1 or on, or false, no, 0 or off, got 'respect'"),
        Arguments.of(
            Setting.ALLOWED_CLUSTERS,
            ",",
            "ALLOWED_CLUSTERS must be comma-separated cluster names or ARNs (or empty for any cluster); "
                + "it has no cluster between its commas, got ','"),
        Arguments.of(
            Setting.LEASE_TABLE,
            "arn:aws:dynamodb:us-east-1:123456789012:table/leases",
            "LEASE_TABLE must be a DynamoDB table name (3 to 255 letters, digits, '_', '-' and '.'), or empty, got 'arn:aws:dynamodb:us-east-1:123456789012:table/leases'"),
        Arguments.of(
            Setting.LEASE_DURATION,
            "2h",
            "LEASE_DURATION must be at most 1h (a crashed pass keeps every other pass away from its cluster this long), got '2h'"),
        Arguments.of(
            Setting.FAN_OUT_QUEUE,
            "https://sqs.us-east-1.amazonaws.com/123456789012/updates.fifo",
            "FAN_OUT_QUEUE must be the name of an SQS FIFO queue (up to 75 letters, digits, '-' and '_', then .fifo), or empty, got 'https://sqs.us-east-1.amazonaws.com/123456789012/updates.fifo'"),
        Arguments.of(
            Setting.MIN_RELEASE_AGE,
            "3 days",
            "MIN_RELEASE_AGE must be " + DURATION + ", at most 365d, got '3 days'"),
        Arguments.of(
            Setting.EXPEDITE_VERSIONS,
            "1.20.3,latest",
            "EXPEDITE_VERSIONS must be comma-separated versions, each a Bottlerocket version such as 1.20.1 (three numbers separated by dots; a leading v is allowed); 'latest' is not one, in '1.20.3,latest'"),
        Arguments.of(
            Setting.PROMOTE_FROM,
            "staging cluster",
            "PROMOTE_FROM must be a cluster name or ARN (the cluster whose passes qualify versions), or empty, got 'staging cluster'"),
        Arguments.of(
            Setting.PROMOTE_MIN_HOSTS,
            "0",
            "PROMOTE_MIN_HOSTS must be a whole number from 1 to 5000, got '0'"),
        Arguments.of(
            Setting.PROMOTE_SOAK,
            "a day",
            "PROMOTE_SOAK must be " + DURATION + ", at most 365d, got 'a day'"),
        Arguments.of(
            Setting.MAX_VERSION,
            "1.20",
            "MAX_VERSION must be a Bottlerocket version such as 1.20.1 (three numbers separated by dots; a leading v is allowed), or empty for no cap, got '1.20'"),
        Arguments.of(
            Setting.ALARM_NAMES,
            ",",
            "ALARM_NAMES must be comma-separated CloudWatch alarm names (1 to 255 characters each, no commas), at most 100, or empty for none; it has nothing between its commas, got ','"),
        Arguments.of(
            Setting.ALARM_PREFIX,
            "x".repeat(256),
            "ALARM_PREFIX must be the start of CloudWatch alarm names (1 to 255 characters, no commas), or empty for none, got '"
                + "x".repeat(100)
                + "...' (256 characters)"),
        Arguments.of(
            Setting.ALARM_INSUFFICIENT_DATA,
            "breaching",
            "ALARM_INSUFFICIENT_DATA must be 'hold' (new starts wait, as in ALARM) or 'ok' (counts as OK), got 'breaching'"),
        Arguments.of(
            Setting.BAKE_TIME,
            "45d",
            "BAKE_TIME must be at most 30d (a bake longer than a month stops the rollout; pause it instead), got '45d'"),
        Arguments.of(
            Setting.CANARY_HOSTS,
            "-1",
            "CANARY_HOSTS must be a whole number from 0 to 100, got '-1'"),
        Arguments.of(
            Setting.CANARY_BAKE_TIME,
            "soon",
            "CANARY_BAKE_TIME must be " + DURATION + ", at most 30d, got 'soon'"),
        Arguments.of(
            Setting.CHANGE_CALENDARS,
            "freeze,my calendar",
            "CHANGE_CALENDARS must be comma-separated SSM Change Calendar names or document ARNs, at most 10, or empty for none; 'my calendar' is not one, in 'freeze,my calendar'"));
  }

  /**
   * Values each setting reads but which would overflow later arithmetic, mean nothing, or
   * contradict another setting: refused at start like any other invalid value.
   */
  static Stream<Arguments> unusableSettings() {
    return Stream.of(
        Arguments.of(
            "a check interval that would overflow",
            Map.of("CHECK_INTERVAL", "999999999999d"),
            "CHECK_INTERVAL must be at most 365d (to stop checks, pause instead), got '999999999999d'"),
        Arguments.of(
            "a 20-digit check interval",
            Map.of("CHECK_INTERVAL", "99999999999999999999d"),
            "CHECK_INTERVAL must be at most 365d (to stop checks, pause instead), got '99999999999999999999d'"),
        Arguments.of(
            "an ISO-8601 duration too long for the JDK",
            Map.of("DRAIN_TIMEOUT", "PT99999999999999999999H"),
            "DRAIN_TIMEOUT must be at most 30d (a step still unfinished after a month has failed), got 'PT99999999999999999999H'"),
        Arguments.of(
            "a pass duration that would overflow",
            Map.of("MAX_PASS_DURATION", "999999999999999d"),
            "MAX_PASS_DURATION must be at most 7d (a pass is one run of the command-line runner; --until-done runs many), got '999999999999999d'"),
        Arguments.of(
            "a retry back-off of years",
            Map.of("RETRY_BACKOFF_MAX", "3650d"),
            "RETRY_BACKOFF_MAX must be at most 365d (a retry a year away is none), got '3650d'"),
        Arguments.of(
            "a poll interval longer than a Lambda invocation",
            Map.of("POLL_INTERVAL", "1h"),
            "POLL_INTERVAL must be at most 15m (the longest a Lambda invocation lasts), got '1h'"),
        Arguments.of(
            "a check timeout longer than a pass has",
            Map.of("CHECK_TIMEOUT", "14m"),
            "CHECK_TIMEOUT must be less than the time a pass has, 13m30s (the shorter of the Lambda's 15m and "
                + "MAX_PASS_DURATION 14m, less DEADLINE_MARGIN 30s), or no update check is ever sent, got '14m'"),
        Arguments.of(
            "a check timeout longer than a short runner pass has",
            Map.of("CHECK_TIMEOUT", "2m", "MAX_PASS_DURATION", "2m", "DEADLINE_MARGIN", "10s"),
            "CHECK_TIMEOUT must be less than the time a pass has, 1m50s (the shorter of the Lambda's 15m and "
                + "MAX_PASS_DURATION 2m, less DEADLINE_MARGIN 10s), or no update check is ever sent, got '2m'"),
        Arguments.of(
            "a deadline margin as long as a Lambda invocation",
            Map.of("DEADLINE_MARGIN", "15m", "MAX_PASS_DURATION", "1h"),
            "DEADLINE_MARGIN must be less than 15m (the longest a Lambda invocation lasts), or no pass has any time, got '15m'"),
        Arguments.of(
            "a reboot grace as long as the reboot timeout",
            Map.of("REBOOT_GRACE", "20m"),
            "REBOOT_GRACE must be less than REBOOT_TIMEOUT (20m), or a host whose agent is not seen away is never taken as back, got '20m'"),
        Arguments.of(
            "a maintenance window of separators only",
            Map.of("MAINTENANCE_WINDOW", ";"),
            "MAINTENANCE_WINDOW must be "
                + MaintenanceWindow.FORM
                + "; there is no entry between the ';' separators in ';'"),
        Arguments.of(
            "a maintenance window entry without days",
            Map.of("MAINTENANCE_WINDOW", ", 02:00-03:00"),
            "MAINTENANCE_WINDOW must be "
                + MaintenanceWindow.FORM
                + "; ', 02:00-03:00' names no day in ', 02:00-03:00'"),
        Arguments.of(
            "an allowed cluster that is no cluster name",
            Map.of("ALLOWED_CLUSTERS", "prod, prod cluster"),
            "ALLOWED_CLUSTERS must be comma-separated cluster names or ARNs (or empty for any cluster); "
                + "'prod cluster' is neither a cluster name nor a cluster ARN, in 'prod, prod cluster'"),
        Arguments.of(
            "a percentage of the cluster over 100",
            Map.of("MAX_CONCURRENT", "150%"),
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '150%'"),
        Arguments.of(
            "a host count to promote from without a cluster to promote from",
            Map.of("PROMOTE_MIN_HOSTS", "2"),
            "PROMOTE_MIN_HOSTS must be set only together with PROMOTE_FROM, the cluster whose hosts it counts, got '2'"),
        Arguments.of(
            "a canary bake shorter than the bake",
            Map.of("BAKE_TIME", "1h", "CANARY_BAKE_TIME", "10m"),
            "CANARY_BAKE_TIME must be at least BAKE_TIME (1h): the canaries' bake is the longer one, got '10m'"),
        Arguments.of(
            "more alarms than one DescribeAlarms call takes",
            Map.of("ALARM_NAMES", alarms(101)),
            "ALARM_NAMES must be comma-separated CloudWatch alarm names (1 to 255 characters each, no commas), at most 100, or empty for none; it names 101"),
        Arguments.of(
            "a huge value",
            Map.of("CHECK_INTERVAL", "9".repeat(5000) + "x"),
            "CHECK_INTERVAL must be "
                + DURATION
                + ", at most 365d, got '"
                + "9".repeat(100)
                + "...' (5001 characters)"));
  }

  private static String alarms(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      names.add("alarm-" + i);
    }
    return String.join(",", names);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableSettings")
  void anUnusableSettingFailsEveryInvocationBeforeAnyAwsCall(
      String name, Map<String, String> env, String problem) {
    UpdaterHandler handler = handler(env);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> invoke(handler, out))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid configuration: " + problem);
    assertThat(cluster.log).isEmpty();
    assertThat(out.size()).isZero();
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("invalidSettings")
  void anInvalidSettingFailsEveryInvocationBeforeAnyAwsCall(
      Setting setting, String value, String problem) {
    UpdaterHandler handler = handler(Map.of(setting.key(), value));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> invoke(handler, out))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid configuration: " + problem);
    assertThatThrownBy(() -> invoke(handler, out)).hasMessage("Invalid configuration: " + problem);
    assertThat(cluster.log).isEmpty();
    assertThat(out.size()).isZero();
  }

  @Test
  void everySettingThatCanBeInvalidHasARow() {
    Set<Setting> covered =
        invalidSettings().map(a -> (Setting) a.get()[0]).collect(Collectors.toSet());

    assertThat(covered).containsExactlyInAnyOrder(Setting.values());
  }

  @Test
  void aDeadlineMarginAsLongAsAPassIsRejected() {
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("DEADLINE_MARGIN", "15m")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .isEqualTo(
                        "DEADLINE_MARGIN must be less than MAX_PASS_DURATION (14m), or no pass has any time, got '15m'"));
  }
}
