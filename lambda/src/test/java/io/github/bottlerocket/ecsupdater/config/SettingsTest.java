package io.github.bottlerocket.ecsupdater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

  @Test
  void defaultsAreSafe() {
    Settings s = Settings.fromEnvironment(Map.of());

    assertThat(s.maxConcurrent()).isEqualTo(Concurrency.of(1));
    assertThat(s.failureBudget()).isZero();
    assertThat(s.checkInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.rebootTimeout()).isEqualTo(Duration.ofMinutes(20));
    assertThat(s.maintenanceWindow().isAlways()).isTrue();
    assertThat(s.paused()).isFalse();
    assertThat(s.ssmDocumentPrefix()).isEmpty();
    assertThat(s.eventBus()).contains("default");
    assertThat(s.metricsNamespace()).isEqualTo("BottlerocketEcsUpdater");
    assertThat(s.allowedClusters()).isEmpty();
  }

  @Test
  void everyDefaultInTheSettingTableParses() {
    for (Setting setting : Setting.values()) {
      Settings.fromEnvironment(Map.of(setting.key(), setting.defaultValue()));
    }
  }

  @Test
  void readsEveryKindOfValue() {
    Settings s =
        Settings.fromEnvironment(
            Map.ofEntries(
                Map.entry("MAX_CONCURRENT", "3"),
                Map.entry("FAILURE_BUDGET", "2"),
                Map.entry("POLL_INTERVAL", "250ms"),
                Map.entry("DRAIN_TIMEOUT", "PT45M"),
                Map.entry("MAINTENANCE_WINDOW", "Sat,Sun 02:00-06:00"),
                Map.entry("MAINTENANCE_TIMEZONE", "Europe/Berlin"),
                Map.entry("PAUSED", "yes"),
                Map.entry("SSM_DOCUMENT_PREFIX", "BottlerocketUpdater-"),
                Map.entry("EVENT_BUS", "none"),
                Map.entry(
                    "ALLOWED_CLUSTERS",
                    "prod, arn:aws:ecs:us-east-1:123456789012:cluster/batch ,")));

    assertThat(s.maxConcurrent()).isEqualTo(Concurrency.of(3));
    assertThat(s.failureBudget()).isEqualTo(2);
    assertThat(s.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofMinutes(45));
    assertThat(s.maintenanceWindow().toString()).isEqualTo("Sat,Sun 02:00-06:00 (Europe/Berlin)");
    assertThat(s.paused()).isTrue();
    assertThat(s.ssmDocumentPrefix()).contains("BottlerocketUpdater-");
    assertThat(s.eventBus()).isEmpty();
    assertThat(s.allowedClusters())
        .containsExactlyInAnyOrder("prod", "arn:aws:ecs:us-east-1:123456789012:cluster/batch");
  }

  @Test
  void taskProtectionIsRespectedUnlessItSaysIgnoreInAnyCase() {
    assertThat(Settings.defaults().respectTaskProtection()).isTrue();
    assertThat(
            Settings.fromEnvironment(Map.of("TASK_PROTECTION", " Ignore ")).respectTaskProtection())
        .isFalse();
    assertThat(
            Settings.fromEnvironment(Map.of("TASK_PROTECTION", "RESPECT")).respectTaskProtection())
        .isTrue();
  }

  @Test
  void theScaleInShieldIsOnUnlessSwitchedOff() {
    assertThat(Settings.defaults().scaleInShield()).isTrue();
    assertThat(Settings.fromEnvironment(Map.of("SCALE_IN_SHIELD", "off")).scaleInShield())
        .isFalse();
  }

  @Test
  void blankValuesTakeTheDefault() {
    assertThat(Settings.fromEnvironment(Map.of("MAX_CONCURRENT", "  ")).maxConcurrent())
        .isEqualTo(Concurrency.of(1));
  }

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of(
            "MAX_CONCURRENT",
            "0",
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '0'"),
        Arguments.of(
            "MAX_CONCURRENT",
            "two",
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got 'two'"),
        Arguments.of(
            "MAX_CONCURRENT",
            "0%",
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '0%'"),
        Arguments.of(
            "MAX_CONCURRENT",
            "150%",
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '150%'"),
        Arguments.of(
            "MAX_CONCURRENT",
            "25.5%",
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '25.5%'"),
        Arguments.of(
            "MAX_CONCURRENT",
            "101",
            "MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got '101'"),
        Arguments.of(
            "FAILURE_BUDGET",
            "-1",
            "FAILURE_BUDGET must be a whole number from 0 to 1000, got '-1'"),
        Arguments.of(
            "CHECK_INTERVAL",
            "soon",
            "CHECK_INTERVAL must be a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M), at most 365d, got 'soon'"),
        Arguments.of(
            "POLL_INTERVAL",
            "0s",
            "POLL_INTERVAL must be a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M), at least 1ms, at most 15m, got '0s'"),
        Arguments.of(
            "DRAIN_TIMEOUT",
            "30",
            "DRAIN_TIMEOUT must be a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M), at least 1ms, at most 30d, got '30'"),
        Arguments.of(
            "REBOOT_TIMEOUT",
            "-5m",
            "REBOOT_TIMEOUT must be a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M), at least 1ms, at most 30d, got '-5m'"),
        Arguments.of(
            "RETRY_BACKOFF_MAX",
            "1m",
            "RETRY_BACKOFF_MAX must be at least RETRY_BACKOFF (30m), got '1m'"),
        Arguments.of(
            "PAUSED",
            "maybe",
            "PAUSED must be true, yes, 1 or on, or false, no, 0 or off, got 'maybe'"),
        Arguments.of(
            "MAINTENANCE_TIMEZONE",
            "Mars/Olympus",
            "MAINTENANCE_TIMEZONE must be an IANA time zone such as UTC or Europe/Berlin, got 'Mars/Olympus'"),
        Arguments.of(
            "MAINTENANCE_WINDOW",
            "Funday 02:00-03:00",
            "MAINTENANCE_WINDOW must be '<days> <HH:MM>-<HH:MM>' entries"),
        Arguments.of("MAINTENANCE_WINDOW", "Sat 25:00-26:00", "'25:00' is not a time of day"),
        Arguments.of(
            "SSM_DOCUMENT_PREFIX",
            "bad prefix!",
            "SSM_DOCUMENT_PREFIX must be letters, digits, '_', '-' and '.', at most 100 characters (e.g. BottlerocketUpdater-), got 'bad prefix!'"),
        Arguments.of(
            "COMMAND_DELIVERY_TIMEOUT",
            "10s",
            "COMMAND_DELIVERY_TIMEOUT must be a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M), at least 30s, at most 48h, got '10s'"),
        Arguments.of(
            "COMMAND_DELIVERY_TIMEOUT",
            "3d",
            "COMMAND_DELIVERY_TIMEOUT must be at most 48h (an SSM limit), got '3d'"),
        Arguments.of(
            "EVENT_BUS",
            "my bus",
            "EVENT_BUS must be an event bus name or ARN, or 'none' to send no events, got 'my bus'"),
        Arguments.of(
            "TASK_PROTECTION",
            "false",
            "TASK_PROTECTION must be respect (no drain while a service task is protected from scale-in) or ignore, got 'false'"),
        Arguments.of(
            "METRICS_NAMESPACE",
            "bad$ns",
            "METRICS_NAMESPACE must be a CloudWatch namespace of letters, digits and . _ - / # : and spaces, got 'bad$ns'"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("invalidValues")
  void anInvalidValueIsNamedWithWhatIsAccepted(String key, String value, String message) {
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(key, value)))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.problems()).singleElement().asString().contains(message));
  }

  @Test
  void allProblemsAreReportedTogether() {
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("MAX_CONCURRENT", "x", "PAUSED", "y")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).hasSize(2);
              assertThat(e.getMessage()).contains("MAX_CONCURRENT").contains("PAUSED");
            });
  }

  @Test
  void overridingMaxConcurrentKeepsEverythingElse() {
    Settings s = Settings.fromEnvironment(Map.of("FAILURE_BUDGET", "4"));

    Settings t = s.withMaxConcurrent(5);

    assertThat(t.maxConcurrent()).isEqualTo(Concurrency.of(5));
    assertThat(t).usingRecursiveComparison().ignoringFields("maxConcurrent").isEqualTo(s);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("controlParameters")
  void theControlParameterIsAnSsmParameterNameOrArn(String value, boolean accepted) {
    if (accepted) {
      assertThat(Settings.fromEnvironment(Map.of("CONTROL_PARAMETER", value)).controlParameter())
          .contains(value);
    } else {
      assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CONTROL_PARAMETER", value)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("CONTROL_PARAMETER must be an SSM parameter name");
    }
  }

  static Stream<Arguments> controlParameters() {
    return Stream.of(
        Arguments.of("/bottlerocket-ecs-updater/Prod-Updater/control", true),
        Arguments.of("updater-control", true),
        Arguments.of("arn:aws:ssm:eu-west-1:111122223333:parameter/ops/updater.control", true),
        Arguments.of("ops/control", false),
        Arguments.of("/ops//control", false),
        Arguments.of("/aws/reserved", false),
        Arguments.of("ssm-control", false),
        Arguments.of("/ops/update control", false),
        Arguments.of("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", false));
  }

  @Test
  void withoutAControlParameterThereIsNoSwitch() {
    assertThat(Settings.defaults().controlParameter()).isEmpty();
  }

  @Test
  void zoneDefaultsToUtc() {
    assertThat(Settings.defaults().maintenanceWindow().toString()).isEqualTo("always");
    assertThat(ZoneId.of(Setting.MAINTENANCE_TIMEZONE.defaultValue())).isEqualTo(ZoneId.of("UTC"));
    assertThat(Optional.of(Setting.EVENT_BUS.defaultValue())).contains("default");
  }
}
