package io.github.bottlerocket.ecsupdater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaintenanceWindowTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  // 2026-11-28 is a Saturday.
  @ParameterizedTest(name = "''{0}'' at {1} is open: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Sat,Sun 02:00-06:00 | 2026-11-28T02:00:00Z | true",
        "Sat,Sun 02:00-06:00 | 2026-11-28T05:59:59Z | true",
        "Sat,Sun 02:00-06:00 | 2026-11-28T06:00:00Z | false",
        "Sat,Sun 02:00-06:00 | 2026-11-27T03:00:00Z | false",
        "Mon-Fri 22:00-04:00 | 2026-11-27T23:00:00Z | true",
        "Mon-Fri 22:00-04:00 | 2026-11-28T03:59:00Z | true",
        "Mon-Fri 22:00-04:00 | 2026-11-28T23:00:00Z | false",
        "Mon-Fri 22:00-04:00 | 2026-11-30T03:00:00Z | false",
        "daily 00:00-24:00 | 2026-11-26T12:00:00Z | true",
        "weekends 10:00-11:00; Wed 12:00-13:00 | 2026-11-25T12:30:00Z | true",
        "weekdays 09:00-17:00 | 2026-11-28T10:00:00Z | false",
        "Fri-Mon 01:00-02:00 | 2026-11-30T01:30:00Z | true",
        "Fri-Mon 01:00-02:00 | 2026-12-01T01:30:00Z | false",
      })
  void opensOnTheGivenDaysAndHours(String text, String at, boolean open) {
    assertThat(MaintenanceWindow.parse(text, UTC).isOpen(Instant.parse(at))).isEqualTo(open);
  }

  @Test
  void usesItsTimeZone() {
    MaintenanceWindow w = MaintenanceWindow.parse("daily 02:00-03:00", ZoneId.of("Europe/Berlin"));

    assertThat(w.isOpen(Instant.parse("2026-11-26T01:30:00Z"))).isTrue();
    assertThat(w.isOpen(Instant.parse("2026-11-26T02:30:00Z"))).isFalse();
  }

  @Test
  void emptyOrAlwaysIsAlwaysOpen() {
    assertThat(MaintenanceWindow.parse("", UTC).isAlways()).isTrue();
    assertThat(MaintenanceWindow.parse("always", UTC).isOpen(Instant.EPOCH)).isTrue();
  }

  @Test
  void saysWhenAClosedWindowOpensNext() {
    MaintenanceWindow w = MaintenanceWindow.parse("Sat 02:00-06:00", UTC);

    assertThat(w.nextOpening(Instant.parse("2026-11-26T12:00:00Z")))
        .contains(Instant.parse("2026-11-28T02:00:00Z"));
    assertThat(w.nextOpening(Instant.parse("2026-11-28T03:00:00Z"))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Sat 02:00 | cannot read 'Sat 02:00'",
        "Someday 02:00-03:00 | 'someday' is not a day",
        "Sat 02:00-02:00 | opens and closes at the same time",
        "Sat 02:61-03:00 | '02:61' is not a time of day",
      })
  void explainsWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> MaintenanceWindow.parse(text, UTC)).hasMessageContaining(message);
  }
}
