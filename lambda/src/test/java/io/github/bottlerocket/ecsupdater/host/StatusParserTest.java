package io.github.bottlerocket.ecsupdater.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusParserTest {

  static Stream<Arguments> validDocuments() {
    return Stream.of(
        // file, state, active, chosen, staged, next to boot, target
        Arguments.of(
            "literal-available-pr942.json",
            UpdateState.AVAILABLE,
            "0.3.4",
            "0.4.0",
            null,
            false,
            "0.4.0"),
        Arguments.of(
            "literal-idle-uninitialized-pr942.json",
            UpdateState.IDLE,
            "0.3.2",
            null,
            null,
            false,
            null),
        Arguments.of(
            "literal-idle-version-locked-pr986.json",
            UpdateState.IDLE,
            "0.3.4",
            null,
            null,
            false,
            null),
        Arguments.of(
            "synthetic-ecs-available.json",
            UpdateState.AVAILABLE,
            "1.20.0",
            "1.20.1",
            null,
            false,
            "1.20.1"),
        Arguments.of(
            "synthetic-ecs-staged.json",
            UpdateState.STAGED,
            "1.20.0",
            "1.20.1",
            "1.20.1",
            false,
            "1.20.1"),
        Arguments.of(
            "synthetic-ecs-ready.json",
            UpdateState.READY,
            "1.20.0",
            "1.20.1",
            "1.20.1",
            true,
            "1.20.1"),
        Arguments.of(
            "synthetic-ecs-chosen-newer-than-staged.json",
            UpdateState.READY,
            "1.20.0",
            "1.20.2",
            "1.20.1",
            true,
            "1.20.1"),
        Arguments.of(
            "synthetic-ecs-after-reboot.json", UpdateState.IDLE, "1.20.1", null, null, false, null),
        Arguments.of(
            "synthetic-ecs-failed-refresh.json",
            UpdateState.IDLE,
            "1.20.0",
            null,
            null,
            false,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validDocuments")
  void parsesStatusDocumentsInEitherKeyOrder(
      String file,
      UpdateState state,
      String active,
      String chosen,
      String staged,
      boolean nextToBoot,
      String target) {
    UpdateStatus s = parsed(Fixtures.apiclient(file));

    assertThat(s.state()).isEqualTo(state);
    assertThat(s.activeVersion()).isEqualTo(active);
    assertThat(s.chosenVersion()).isEqualTo(Optional.ofNullable(chosen));
    assertThat(s.stagedVersion()).isEqualTo(Optional.ofNullable(staged));
    assertThat(s.stagedNextToBoot()).isEqualTo(nextToBoot);
    assertThat(s.targetVersion()).isEqualTo(Optional.ofNullable(target));
  }

  @Test
  void theStagedImageIsTheTargetEvenWhenANewerReleaseIsChosen() {
    UpdateStatus s = parsed(Fixtures.apiclient("synthetic-ecs-chosen-newer-than-staged.json"));

    assertThat(s.targetVersion()).contains("1.20.1");
    assertThat(s.hasUpdate()).isTrue();
  }

  @Test
  void versionLockedHostListsNewerVersionsButHasNoUpdate() {
    UpdateStatus s = parsed(Fixtures.apiclient("literal-idle-version-locked-pr986.json"));

    assertThat(s.availableVersions()).first().isEqualTo("0.4.0");
    assertThat(s.hasUpdate()).isFalse();
  }

  @Test
  void readsTheMostRecentCommand() {
    UpdateStatus s = parsed(Fixtures.apiclient("synthetic-ecs-failed-refresh.json"));

    assertThat(s.lastCommand())
        .hasValueSatisfying(
            c -> {
              assertThat(c.type()).isEqualTo("refresh");
              assertThat(c.failed()).isTrue();
              assertThat(c.timestamp()).isEqualTo("2024-06-21T11:37:30.987654321Z");
              assertThat(c.stderr()).startsWith("Failed to fetch update metadata");
            });
  }

  @Test
  void aNullMostRecentCommandIsAbsent() {
    assertThat(parsed(Fixtures.apiclient("literal-idle-uninitialized-pr942.json")).lastCommand())
        .isEmpty();
  }

  @Test
  void readsOnlyTheFirstJsonValueWhenMoreTextFollows() {
    String stdout =
        Fixtures.apiclient("synthetic-ecs-available.json") + "\nsomething else printed later\n";

    assertThat(parsed(stdout).state()).isEqualTo(UpdateState.AVAILABLE);
  }

  @Test
  void ignoresUnknownFields() {
    String stdout =
        "{\"update_state\":\"Staged\",\"future_field\":{\"x\":1},\"active_partition\":{\"image\":{\"version\":\"1.2.3\",\"flavour\":\"new\"}},"
            + "\"staging_partition\":{\"image\":{\"version\":\"1.2.4\"},\"next_to_boot\":false}}";

    UpdateStatus s = parsed(stdout);

    assertThat(s.state()).isEqualTo(UpdateState.STAGED);
    assertThat(s.stagedVersion()).contains("1.2.4");
  }

  static Stream<Arguments> unusableOutputs() {
    return Stream.of(
        Arguments.of("empty", "", "printed nothing"),
        Arguments.of("blank lines", "\n  \n", "printed nothing"),
        Arguments.of("not JSON", "No updates available.", "not JSON"),
        Arguments.of("a JSON array", "[1,2]", "not a JSON object"),
        Arguments.of(
            "an empty object (synthetic-invalid-missing-fields.json)",
            Fixtures.apiclient("synthetic-invalid-missing-fields.json"),
            "no update_state"),
        Arguments.of(
            "unknown state",
            "{\"update_state\":\"Exploded\",\"active_partition\":{\"image\":{\"version\":\"1\"}}}",
            "unknown update_state 'Exploded'"),
        Arguments.of(
            "state not a string",
            "{\"update_state\":3,\"active_partition\":{\"image\":{\"version\":\"1\"}}}",
            "no update_state"),
        Arguments.of(
            "no active version",
            "{\"update_state\":\"Idle\",\"active_partition\":null}",
            "no active_partition.image.version"),
        Arguments.of("truncated JSON", "{\"update_state\":\"Idle\",\"active_parti", "not JSON"),
        Arguments.of(
            "get os output",
            Fixtures.apiclient("literal-get-os-brupop691.json"),
            "no update_state"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableOutputs")
  void rejectsOutputThatIsNotAStatusWithAReason(String name, String stdout, String reason) {
    StatusParser.Result r = StatusParser.parse(stdout);

    assertThat(r)
        .isInstanceOfSatisfying(
            StatusParser.Result.Unparseable.class,
            u -> {
              assertThat(u.error().kind()).isEqualTo(HostError.Kind.UNPARSEABLE);
              assertThat(u.error().detail()).contains(reason);
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "literal-404-uninitialized-pr942.txt",
        "synthetic-409-apply-without-check-stderr.txt",
        "synthetic-423-raw-get-status.txt"
      })
  void errorTextOnStdoutIsNotMistakenForAStatus(String file) {
    assertThat(StatusParser.parse(Fixtures.apiclient(file)))
        .isInstanceOf(StatusParser.Result.Unparseable.class);
  }

  private static UpdateStatus parsed(String stdout) {
    StatusParser.Result r = StatusParser.parse(stdout);
    assertThat(r).isInstanceOf(StatusParser.Result.Parsed.class);
    return ((StatusParser.Result.Parsed) r).status();
  }
}
