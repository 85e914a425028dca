package io.github.bottlerocket.ecsupdater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "500ms,500",
    "30s,30000",
    "15m,900000",
    "2h,7200000",
    "1d,86400000",
    "PT15M,900000",
    "pt1.5s,1500",
    " 45 s ,45000"
  })
  void parsesUnitsAndIso(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "1 week", "m5", "-1", "PT"})
  void rejectsOtherText(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "99999999999999999999d",
        "9223372036854775807ms",
        "106751991167301d",
        "36501d",
        "PT99999999999999999999H",
        "P106751991167301D",
        "P36501D"
      })
  void aDurationTooLongToComputeWithIsTooLongNotMalformed(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(Durations.TooLongException.class);
  }

  @ParameterizedTest
  @CsvSource({"0000000000000000000001s,1000", "36500d,3153600000000"})
  void leadingZerosAndTheLongestDurationParse(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "{0} ms prints {1}")
  @CsvSource({
    "0,0s",
    "250,250ms",
    "1000,1s",
    "90000,1m30s",
    "3600000,1h",
    "90061000,1d1h1m1s",
    "-2000,-2s"
  })
  void printsCompactly(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
