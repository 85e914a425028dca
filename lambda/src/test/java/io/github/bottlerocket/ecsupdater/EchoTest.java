package io.github.bottlerocket.ecsupdater;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EchoTest {

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "prod | 'prod'",
        "\"\" | ''",
        "a\tb | 'a\\tb'",
      })
  void aShortValueIsQuotedWhole(String value, String echo) {
    assertThat(Echo.quote(value)).isEqualTo(echo);
  }

  @Test
  void aLongValueIsCutAtOneHundredCharactersWithItsLength() {
    assertThat(Echo.quote("y".repeat(6_000_000)))
        .isEqualTo("'" + "y".repeat(100) + "...' (6000000 characters)");
    assertThat(Echo.cut("[" + "1,".repeat(500) + "1]"))
        .isEqualTo("[" + "1,".repeat(49) + "1... (1003 characters)");
  }

  @Test
  void lineBreaksAndControlCharactersAreEscapedAndCountTowardsTheLimit() {
    assertThat(Echo.quote("a\nb\u0000")).isEqualTo("'a\\nb\\u0000'");
    assertThat(Echo.quote("\u0000".repeat(200)))
        .isEqualTo("'" + "\\u0000".repeat(16) + "...' (200 characters)");
  }

  @Test
  void aCutNeverSplitsACharacterAndALoneSurrogateIsEscaped() {
    String clef = "\uD834\uDD1E";

    assertThat(Echo.quote(clef.repeat(150)))
        .isEqualTo("'" + clef.repeat(50) + "...' (150 characters)");
    assertThat(Echo.quote("a\uD800b")).isEqualTo("'a\\ud800b'");
  }

  @Test
  void nothingIsSaidAsNothing() {
    assertThat(Echo.quote(null)).isEqualTo("nothing");
  }
}
