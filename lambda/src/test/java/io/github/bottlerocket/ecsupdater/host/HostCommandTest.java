package io.github.bottlerocket.ecsupdater.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostCommandTest {

  @ParameterizedTest
  @EnumSource(HostCommand.class)
  void everyLineIsAFixedApiclientCallWithNoPlaceholders(HostCommand command) {
    assertThat(command.lines()).isNotEmpty();
    assertThat(String.join("\n", command.lines()))
        .contains("apiclient")
        .doesNotContain("{{")
        .doesNotContain("${");
  }

  @Test
  void theRebootIsGuardedByTheReadyState() {
    String script = String.join("\n", HostCommand.REBOOT.lines());

    assertThat(script)
        .contains("apiclient raw -u /updates/status")
        .contains("'\"update_state\":\"Ready\"'")
        .contains("apiclient reboot");
    assertThat(script.indexOf("update_state")).isLessThan(script.indexOf("apiclient reboot"));
  }

  @Test
  void prepareChecksBeforeItDownloads() {
    assertThat(HostCommand.PREPARE.lines())
        .containsExactly(
            "apiclient update check", "apiclient raw -u /actions/prepare-update -m POST");
  }

  @Test
  void documentNamesAreThePrefixAndASuffixPerCommand() {
    assertThat(HostCommand.CHECK.documentName("BottlerocketUpdater-"))
        .isEqualTo("BottlerocketUpdater-Check");
    assertThat(
            java.util.Arrays.stream(HostCommand.values())
                .map(HostCommand::documentSuffix)
                .distinct())
        .hasSize(HostCommand.values().length);
  }
}
