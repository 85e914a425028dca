package io.github.bottlerocket.ecsupdater.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostErrorTest {

  static Stream<Arguments> stderrFixtures() {
    return Stream.of(
        Arguments.of("literal-404-uninitialized-pr942.txt", HostError.Kind.UNINITIALIZED, 404),
        Arguments.of("synthetic-404-raw-get-status.txt", HostError.Kind.UNINITIALIZED, 404),
        Arguments.of("literal-423-update-lock-held-brupop.txt", HostError.Kind.LOCKED, 423),
        Arguments.of("synthetic-423-raw-get-status.txt", HostError.Kind.LOCKED, 423),
        Arguments.of("synthetic-423-check-initial-status-stderr.txt", HostError.Kind.LOCKED, 423),
        Arguments.of("synthetic-423-check-refresh-stderr.txt", HostError.Kind.LOCKED, 423),
        Arguments.of(
            "synthetic-409-apply-without-check-stderr.txt", HostError.Kind.WRONG_STATE, 409));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("stderrFixtures")
  void classifiesApiclientErrorsByStatusCode(String file, HostError.Kind kind, int status) {
    HostError e = HostError.fromStderr(Fixtures.apiclient(file));

    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.httpStatus()).hasValue(status);
  }

  @Test
  void aFailedBackgroundRefreshIsAPlainFailureWithItsText() {
    HostError e =
        HostError.fromStderr(Fixtures.apiclient("synthetic-ecs-failed-refresh-stderr.txt"));

    assertThat(e.kind()).isEqualTo(HostError.Kind.FAILED);
    assertThat(e.httpStatus()).isEmpty();
    assertThat(e.detail()).startsWith("Failed to check for updates: refresh attempt failed");
  }

  @Test
  void a404ForAMissingImageIsNothingToApplyNotUninitialized() {
    HostError e =
        HostError.fromStderr(
            "Failed to make activate request: Status 404 when POSTing /actions/activate-update: No update image applied to staging partition");

    assertThat(e.kind()).isEqualTo(HostError.Kind.NOTHING_TO_APPLY);
  }

  @Test
  void stripsTerminalColourCodesThatSsmKeeps() {
    HostError e =
        HostError.fromStderr(
            "16:48:25 \u001B[0m\u001B[34m[INFO] \u001B[0mRefreshing updates...\nStatus 423 when POSTing /actions/refresh-updates: Update lock held");

    assertThat(e.detail())
        .doesNotContain("\u001B")
        .contains("[INFO] Refreshing updates... | Status 423");
    assertThat(e.kind()).isEqualTo(HostError.Kind.LOCKED);
  }

  @Test
  void emptyStderrSaysSo() {
    assertThat(HostError.fromStderr("").detail()).contains("printed nothing");
  }

  @Test
  void longTextIsShortenedForReports() {
    assertThat(HostError.fromStderr("x".repeat(1000)).detail()).hasSize(240).endsWith("...");
  }

  @Test
  void onlyLockUninitializedGarbledAndDeliveryProblemsAreTransient() {
    assertThat(Stream.of(HostError.Kind.values()).filter(k -> HostError.of(k, "").isTransient()))
        .containsExactlyInAnyOrder(
            HostError.Kind.LOCKED,
            HostError.Kind.UNINITIALIZED,
            HostError.Kind.NOT_RUN,
            HostError.Kind.UNPARSEABLE);
  }
}
