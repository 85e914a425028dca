package io.github.bottlerocket.ecsupdater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rollout gates' settings and MAX_CONCURRENT as a share of the cluster. */
class GateSettingsTest {
  private static final String DURATION =
      "a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M)";

  @Test
  void everyGateIsOffByDefault() {
    GateSettings g = Settings.defaults().gates();

    assertThat(g.soaks()).isFalse();
    assertThat(g.promotes()).isFalse();
    assertThat(g.maxVersion()).isEmpty();
    assertThat(g.watchesAlarms()).isFalse();
    assertThat(g.followsCalendars()).isFalse();
    assertThat(g.bakes()).isFalse();
    assertThat(g.insufficientDataHolds()).isTrue();
    assertThat(g.promoteSoak()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void readsEveryGate() {
    GateSettings g =
        Settings.fromEnvironment(
                Map.ofEntries(
                    Map.entry("MIN_RELEASE_AGE", "3d"),
                    Map.entry("EXPEDITE_VERSIONS", "1.20.3, v1.21.0"),
                    Map.entry("PROMOTE_FROM", "staging"),
                    Map.entry("PROMOTE_MIN_HOSTS", "2"),
                    Map.entry("PROMOTE_SOAK", "12h"),
                    Map.entry("MAX_VERSION", "1.20.5"),
                    Map.entry("ALARM_NAMES", "HighErrors, p99 latency (web)"),
                    Map.entry("ALARM_PREFIX", "prod-"),
                    Map.entry("ALARM_INSUFFICIENT_DATA", "OK"),
                    Map.entry("BAKE_TIME", "10m"),
                    Map.entry("CANARY_HOSTS", "1"),
                    Map.entry("CANARY_BAKE_TIME", "1h"),
                    Map.entry(
                        "CHANGE_CALENDARS",
                        "freeze,arn:aws:ssm:us-east-1:111122223333:document/shared-freeze")))
            .gates();

    assertThat(g.minReleaseAge()).isEqualTo(Duration.ofDays(3));
    assertThat(g.expedite())
        .containsExactlyInAnyOrder(Version.parse("1.20.3").get(), Version.parse("1.21.0").get());
    assertThat(g.promoteFrom()).contains("staging");
    assertThat(g.promoteMinHosts()).isEqualTo(OptionalInt.of(2));
    assertThat(g.promoteSoak()).isEqualTo(Duration.ofHours(12));
    assertThat(g.maxVersion()).contains(new Version(1, 20, 5));
    assertThat(g.alarmNames()).containsExactly("HighErrors", "p99 latency (web)");
    assertThat(g.alarmPrefix()).contains("prod-");
    assertThat(g.insufficientDataHolds()).isFalse();
    assertThat(g.bakeTime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(g.canaryHosts()).isEqualTo(1);
    assertThat(g.canaryBakeTime()).isEqualTo(Duration.ofHours(1));
    assertThat(g.changeCalendars())
        .containsExactly("freeze", "arn:aws:ssm:us-east-1:111122223333:document/shared-freeze");
  }

  @Test
  void theCanaryBakeIsTheBakeTimeUnlessSet() {
    GateSettings g =
        Settings.fromEnvironment(Map.of("BAKE_TIME", "15m", "CANARY_HOSTS", "2")).gates();

    assertThat(g.canaryBakeTime()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void maxConcurrentTakesAShareOfTheClusterRoundedDownAndAtLeastOne() {
    Concurrency c = Settings.fromEnvironment(Map.of("MAX_CONCURRENT", "25%")).maxConcurrent();

    assertThat(c.toString()).isEqualTo("25%");
    assertThat(c.resolve(8)).isEqualTo(2);
    assertThat(c.resolve(7)).isEqualTo(1);
    assertThat(c.resolve(3)).isEqualTo(1);
    assertThat(c.resolve(0)).isEqualTo(1);
    assertThat(Concurrency.percent(100).resolve(5000)).isEqualTo(5000);
    assertThat(Settings.fromEnvironment(Map.of("MAX_CONCURRENT", "3")).maxConcurrent().resolve(100))
        .isEqualTo(3);
  }

  @Test
  void versionsCompareByTheirNumbers() {
    assertThat(Version.parse("1.10.0").get()).isGreaterThan(Version.parse("1.9.9").get());
    assertThat(Version.parse("v1.20.1")).contains(new Version(1, 20, 1));
    assertThat(Version.parse("1.20")).isEmpty();
    assertThat(Version.parse("1.20.1-7c3e9198")).isEmpty();
  }

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of(
            "MIN_RELEASE_AGE",
            "3 days",
            "MIN_RELEASE_AGE must be " + DURATION + ", at most 365d, got '3 days'"),
        Arguments.of(
            "EXPEDITE_VERSIONS",
            "1.20.3, latest",
            "EXPEDITE_VERSIONS must be comma-separated versions, each a Bottlerocket version such as"
                + " 1.20.1 (three numbers separated by dots; a leading v is allowed); 'latest' is not"
                + " one, in '1.20.3, latest'"),
        Arguments.of(
            "PROMOTE_FROM",
            "staging cluster",
            "PROMOTE_FROM must be a cluster name or ARN (the cluster whose passes qualify"
                + " versions), or empty, got 'staging cluster'"),
        Arguments.of(
            "PROMOTE_SOAK",
            "-1d",
            "PROMOTE_SOAK must be " + DURATION + ", at most 365d, got '-1d'"),
        Arguments.of(
            "MAX_VERSION",
            "1.20",
            "MAX_VERSION must be a Bottlerocket version such as 1.20.1 (three numbers separated by"
                + " dots; a leading v is allowed), or empty for no cap, got '1.20'"),
        Arguments.of(
            "ALARM_NAMES",
            "HighErrors,\u0007bell",
            "ALARM_NAMES must be comma-separated CloudWatch alarm names (1 to 255 characters each,"
                + " no commas), at most 100, or empty for none; '\\u0007bell' is not one"),
        Arguments.of(
            "ALARM_PREFIX",
            "x".repeat(256),
            "ALARM_PREFIX must be the start of CloudWatch alarm names (1 to 255 characters, no"
                + " commas), or empty for none"),
        Arguments.of(
            "ALARM_INSUFFICIENT_DATA",
            "breaching",
            "ALARM_INSUFFICIENT_DATA must be 'hold' (new starts wait, as in ALARM) or 'ok' (counts"
                + " as OK), got 'breaching'"),
        Arguments.of(
            "BAKE_TIME",
            "45d",
            "BAKE_TIME must be at most 30d (a bake longer than a month stops the rollout; pause it"
                + " instead), got '45d'"),
        Arguments.of(
            "CANARY_HOSTS", "-1", "CANARY_HOSTS must be a whole number from 0 to 100, got '-1'"),
        Arguments.of(
            "CHANGE_CALENDARS",
            "freeze, my calendar",
            "CHANGE_CALENDARS must be comma-separated SSM Change Calendar names or document ARNs,"
                + " at most 10, or empty for none; 'my calendar' is not one, in 'freeze, my"
                + " calendar'"),
        Arguments.of(
            "PROMOTE_MIN_HOSTS",
            "0",
            "PROMOTE_MIN_HOSTS must be a whole number from 1 to 5000, got '0'"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("invalidValues")
  void anInvalidValueIsNamedWithWhatIsAccepted(String key, String value, String message) {
    Map<String, String> env =
        key.equals("PROMOTE_MIN_HOSTS")
            ? Map.of(key, value, "PROMOTE_FROM", "staging")
            : Map.of(key, value);
    assertThatThrownBy(() -> Settings.fromEnvironment(env))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.problems()).singleElement().asString().contains(message));
  }

  static Stream<Arguments> settingsThatDependOnEachOther() {
    return Stream.of(
        Arguments.of(
            Map.of("PROMOTE_MIN_HOSTS", "2"),
            "PROMOTE_MIN_HOSTS must be set only together with PROMOTE_FROM, the cluster whose"
                + " hosts it counts, got '2'"),
        Arguments.of(
            Map.of("BAKE_TIME", "1h", "CANARY_BAKE_TIME", "10m"),
            "CANARY_BAKE_TIME must be at least BAKE_TIME (1h): the canaries' bake is the longer"
                + " one, got '10m'"),
        Arguments.of(
            Map.of("PROMOTE_FROM", "staging", "PROMOTE_SOAK", "2y"),
            "PROMOTE_SOAK must be " + DURATION + ", at most 365d, got '2y'"));
  }

  @ParameterizedTest
  @MethodSource("settingsThatDependOnEachOther")
  void settingsThatOnlyWorkTogetherAreCheckedTogether(Map<String, String> env, String message) {
    assertThatThrownBy(() -> Settings.fromEnvironment(env))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.problems()).singleElement().asString().contains(message));
  }

  @Test
  void moreThanAHundredAlarmsAreRefused() {
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 101; i++) {
      names.add("alarm-" + i);
    }
    assertThatThrownBy(
            () -> Settings.fromEnvironment(Map.of("ALARM_NAMES", String.join(",", names))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ALARM_NAMES must be comma-separated CloudWatch alarm names")
        .hasMessageContaining("it names 101");
  }
}
