package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The plugin output of ListCommandInvocations, cut as the SSM agent cuts it. */
class PluginOutputTest {
  static Stream<Arguments> cases() {
    String title = PluginOutput.ERROR_TITLE;
    return Stream.of(
        Arguments.of("stdout only", "a".repeat(600), "", "a".repeat(600)),
        Arguments.of("stdout and stderr", "out", "err", "out" + title + "err"),
        Arguments.of(
            "long stdout, short stderr: stdout cut before the title",
            "a".repeat(3000),
            "err",
            "a".repeat(2400 - title.length() - PluginOutput.OUTPUT_CUT.length() - 3)
                + PluginOutput.OUTPUT_CUT
                + title
                + "err"),
        Arguments.of(
            "short stdout, long stderr: stderr cut at the end",
            "out",
            "e".repeat(3000),
            "out"
                + title
                + "e".repeat(2400 - title.length() - PluginOutput.ERROR_CUT.length() - 3)
                + PluginOutput.ERROR_CUT),
        Arguments.of(
            "both long: each cut to half the room",
            "a".repeat(3000),
            "e".repeat(3000),
            "a".repeat(half())
                + PluginOutput.OUTPUT_CUT
                + title
                + "e".repeat(half())
                + PluginOutput.ERROR_CUT),
        Arguments.of(
            "stdout alone longer than the room",
            "a".repeat(5000),
            "",
            "a".repeat(2400 - PluginOutput.OUTPUT_CUT.length()) + PluginOutput.OUTPUT_CUT));
  }

  private static int half() {
    return (2400
            - PluginOutput.ERROR_TITLE.length()
            - PluginOutput.ERROR_CUT.length()
            - PluginOutput.OUTPUT_CUT.length())
        / 2;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void cutsAsTheAgentDoes(String name, String stdout, String stderr, String expected) {
    String out = PluginOutput.of(stdout, stderr);

    assertThat(out).isEqualTo(expected);
    assertThat(out.length()).isLessThanOrEqualTo(2400);
  }
}
