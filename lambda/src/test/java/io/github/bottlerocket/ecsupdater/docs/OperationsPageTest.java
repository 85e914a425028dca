package io.github.bottlerocket.ecsupdater.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.engine.Control;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runbooks in docs/operations.md name what the code names: a runbook with a misspelt attribute
 * or a renamed reason sends an operator down the wrong path on a bad day.
 */
class OperationsPageTest {
  /** ECS's own container instance statuses, which the page names beside the updater's words. */
  private static final Set<String> ECS_STATUSES = Set.of("ACTIVE", "DRAINING", "INACTIVE");

  private static String page() throws IOException {
    return Files.readString(Fixtures.repoRoot().resolve("docs/operations.md"));
  }

  private static String source(String relative) throws IOException {
    return Files.readString(
        Fixtures.repoRoot()
            .resolve("lambda/src/main/java/io/github/bottlerocket/ecsupdater")
            .resolve(relative));
  }

  @Test
  void everyAttributeAndTagItNamesIsOneTheUpdaterUses() throws IOException {
    Set<String> known =
        Set.of(
            StateAttributes.STATE,
            StateAttributes.FAILURE,
            StateAttributes.OPT_OUT,
            StateAttributes.LAST_CHECK_TAG,
            StateAttributes.PAUSED_TAG);
    Matcher m = Pattern.compile("bottlerocket-ecs-updater[.:][a-z-]+").matcher(page());
    Set<String> named = new TreeSet<>();
    while (m.find()) {
      named.add(m.group());
    }

    assertThat(named).isNotEmpty().isSubsetOf(known);
    assertThat(named).contains(StateAttributes.STATE, StateAttributes.FAILURE);
  }

  @Test
  void everyUpperCaseWordItQuotesIsASettingReasonPhaseOrEcsStatus() throws IOException {
    Set<String> known = new HashSet<>(ECS_STATUSES);
    Stream.of(Setting.values()).map(Setting::key).forEach(known::add);
    Stream.of(Reason.values()).map(Reason::name).forEach(known::add);
    Stream.of(FailureReason.values()).map(FailureReason::name).forEach(known::add);
    Stream.of(Phase.values()).map(Phase::name).forEach(known::add);
    Matcher m = Pattern.compile("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})`").matcher(page());
    Set<String> quoted = new TreeSet<>();
    while (m.find()) {
      quoted.add(m.group(1));
    }

    assertThat(quoted).isNotEmpty().isSubsetOf(known);
  }

  @Test
  void theSwitchWordsItUsesAreTheOnesTheSwitchReads() throws IOException {
    Matcher m = Pattern.compile("--value (\\w+)").matcher(page());
    Set<String> words = new TreeSet<>();
    while (m.find()) {
      words.add(m.group(1));
    }

    assertThat(words).containsExactlyInAnyOrder("run", "pause", "stop");
    for (String word : words) {
      assertThat(Control.of("/p", Optional.of(word)).state().name()).isEqualToIgnoringCase(word);
    }
  }

  @Test
  void theDocumentsItRunsAreTheStacksHostCommands() throws IOException {
    Matcher m = Pattern.compile("output DocumentPrefix\\)(\\w+)").matcher(page());
    Set<String> suffixes = new TreeSet<>();
    while (m.find()) {
      suffixes.add(m.group(1));
    }
    Set<String> known = new HashSet<>();
    Arrays.stream(HostCommand.values()).map(HostCommand::documentSuffix).forEach(known::add);

    assertThat(suffixes).isNotEmpty().isSubsetOf(known);
  }

  @Test
  void theReportFieldsAndMetricsItReadsAreOnesTheUpdaterWrites() throws IOException {
    String page = page();
    String report = source("app/ReportJson.java");
    Matcher jq = Pattern.compile("jq '([^']*)'").matcher(page);
    Set<String> fields = new TreeSet<>();
    while (jq.find()) {
      Matcher f = Pattern.compile("\\.?\\b([a-z][A-Za-z0-9]+)\\b").matcher(jq.group(1));
      while (f.find()) {
        fields.add(f.group(1));
      }
    }
    Matcher gates = Pattern.compile("`gates\\.(\\w+)`").matcher(page);
    while (gates.find()) {
      fields.add(gates.group(1));
    }
    Matcher perInstance = Pattern.compile("`(\\w+)` per instance").matcher(page);
    while (perInstance.find()) {
      fields.add(perInstance.group(1));
    }

    assertThat(fields).contains("failuresAgainstBudgetHeldBy", "runningVersion", "next");
    for (String field : fields) {
      assertThat(report).as("report field %s", field).contains("\"" + field + "\"");
    }
    Matcher metric = Pattern.compile("`(\\w+)` metric \\(dimension `(\\w+)`\\)").matcher(page);
    assertThat(metric.find()).isTrue();
    String metrics = source("telemetry/EmfMetrics.java");
    assertThat(metrics)
        .contains("\"" + metric.group(1) + "\"")
        .contains("\"" + metric.group(2) + "\"");
  }
}
