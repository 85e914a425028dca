package io.github.bottlerocket.ecsupdater.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class StateAttributesTest {
  /** What ECS accepts as a custom attribute value. */
  private static final Pattern ECS_VALUE =
      Pattern.compile(
          "[A-Za-z0-9\\-_.@/\\\\:]([A-Za-z0-9\\-_.@/\\\\: ]{0,126}[A-Za-z0-9\\-_.@/\\\\:])?");

  private static final Instant T = Instant.parse("2026-11-26T10:00:00.123Z");

  @ParameterizedTest
  @EnumSource(Phase.class)
  void everyPhaseRecordRoundTripsWithinEcsLimits(Phase phase) {
    PhaseRecord r =
        new PhaseRecord(
            phase,
            Optional.of("1.20.0"),
            Optional.of("1.20.1"),
            T,
            Optional.of(T.plusSeconds(5)),
            Optional.of("2f0a3c9e-5b1d-4c7e-9a8f-0d6e2b4c1a37"));

    String value = StateAttributes.encode(r);

    assertThat(value).matches(ECS_VALUE);
    assertThat(StateAttributes.decodePhase(value)).isEqualTo(r);
  }

  @Test
  void absentPartsAreDashes() {
    PhaseRecord r =
        new PhaseRecord(
            Phase.STAGED,
            Optional.empty(),
            Optional.of("1.20.1"),
            T,
            Optional.empty(),
            Optional.empty());

    assertThat(StateAttributes.encode(r))
        .isEqualTo("2/STAGED/-/1.20.1/" + T.toEpochMilli() + "/-/-/-");
    assertThat(StateAttributes.decodePhase(StateAttributes.encode(r))).isEqualTo(r);
  }

  @ParameterizedTest
  @EnumSource(FailureReason.class)
  void everyFailureRecordRoundTripsWithinEcsLimits(FailureReason reason) {
    FailureRecord f =
        new FailureRecord(reason, Optional.of(Phase.REBOOTING), Optional.of("1.20.1"), T, 3);

    String value = StateAttributes.encode(f);

    assertThat(value).matches(ECS_VALUE);
    assertThat(StateAttributes.decodeFailure(value)).isEqualTo(f);
  }

  @Test
  void aVersionEcsCannotStoreIsLeftOut() {
    PhaseRecord r =
        new PhaseRecord(
            Phase.QUEUED,
            Optional.of("1.2.3+build"),
            Optional.of("1.2.4"),
            T,
            Optional.empty(),
            Optional.empty());

    assertThat(StateAttributes.encode(r)).startsWith("2/QUEUED/-/1.2.4/");
  }

  @Test
  void marksRoundTrip() {
    PhaseRecord r =
        new PhaseRecord(
                Phase.VERIFYING,
                Optional.of("1.20.0"),
                Optional.of("1.20.1"),
                T,
                Optional.of(T),
                Optional.of("cmd-1"))
            .with(PhaseRecord.Mark.REBOOT_SEEN);

    assertThat(StateAttributes.encode(r)).endsWith("/cmd-1/R");
    assertThat(
            StateAttributes.decodePhase(StateAttributes.encode(r))
                .has(PhaseRecord.Mark.REBOOT_SEEN))
        .isTrue();
  }

  /**
   * Records of format 1, as the previous release wrote them for each phase, read by this one: an
   * update under way when the updater is upgraded goes on where it stands.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "QUEUED/1.20.0/1.20.1/1795687200000/-/-",
        "STAGING/1.20.0/1.20.1/1795687200000/-/2f0a3c9e-5b1d-4c7e-9a8f-0d6e2b4c1a37",
        "STAGED/1.20.0/1.20.1/1795687200000/-/-",
        "DRAINING/1.20.0/1.20.1/1795687200000/1795687200000/-",
        "ACTIVATING/1.20.0/1.20.1/1795687260000/1795687200000/6c1d2e3f-0a4b-4c5d-8e9f-1a2b3c4d5e6f",
        "REBOOTING/1.20.0/1.20.1/1795687270000/1795687200000/7d2e3f40-1b5c-4d6e-9f0a-2b3c4d5e6f70",
        "VERIFYING/1.20.0/1.20.1/1795687330000/1795687200000/8e3f4051-2c6d-4e7f-a01b-3c4d5e6f7081",
      })
  void everyPhaseOfTheFirstFormatIsReadAsWritten(String value) {
    PhaseRecord r = StateAttributes.decodePhase(value);

    String[] p = value.split("/");
    assertThat(r.phase().name()).isEqualTo(p[0]);
    assertThat(r.fromVersion()).contains(p[1]);
    assertThat(r.targetVersion()).contains(p[2]);
    assertThat(r.since()).isEqualTo(Instant.ofEpochMilli(Long.parseLong(p[3])));
    assertThat(r.outOfServiceSince().map(Instant::toEpochMilli).map(String::valueOf))
        .isEqualTo(p[4].equals("-") ? Optional.empty() : Optional.of(p[4]));
    assertThat(r.commandId()).isEqualTo(p[5].equals("-") ? Optional.empty() : Optional.of(p[5]));
    // Format 1 never recorded a reboot as seen: a host back on its old version is no rollback.
    assertThat(r.marks()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ROLLED_BACK/VERIFYING/1.20.1/1795687330000/1 | ROLLED_BACK | VERIFYING",
        "STANDALONE_TASKS/DRAINING/1.20.1/1795687330000/2 | STANDALONE_TASKS_APPEARED | DRAINING",
        "DRAIN_TIMEOUT/DRAINING/-/1795687330000/3 | DRAIN_TIMEOUT | DRAINING",
      })
  void failuresOfTheFirstFormatAreReadAsWritten(String value, FailureReason reason, Phase phase) {
    FailureRecord f = StateAttributes.decodeFailure(value);

    assertThat(f.reason()).isEqualTo(reason);
    assertThat(f.phase()).contains(phase);
  }

  @Test
  void aFailedCheckRecordsNoPhase() {
    FailureRecord f =
        new FailureRecord(FailureReason.CHECK_FAILED, Optional.empty(), Optional.empty(), T, 2);

    assertThat(StateAttributes.encode(f))
        .isEqualTo("2/CHECK_FAILED/-/-/" + T.toEpochMilli() + "/2");
    assertThat(StateAttributes.decodeFailure(StateAttributes.encode(f))).isEqualTo(f);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "STAGING/1.0/1.1 | expected 6 parts separated by '/', found 3 in 'STAGING/1.0/1.1'",
        "WAITING/-/-/1/-/- | unknown phase 'WAITING'",
        "draining/-/-/1/-/- | unknown phase 'draining'",
        "STAGED/-/-/yesterday/-/- | the phase start 'yesterday' is not a time in epoch milliseconds",
        "2/STAGED/-/-/1/-/- | expected 8 parts separated by '/', found 7 in '2/STAGED/-/-/1/-/-'",
        "2/VERIFYING/-/-/1/-/-/X | unknown mark 'X' in 'X'",
        "3/STAGED/-/-/1/-/-/-/new | record format 3 is not one this updater reads (format 2, and format"
            + " 1, which carries no number); a newer version of the updater wrote it: run that version"
            + " or a newer one",
        "STAGED/-/-/9223372036854775807/-/- | the phase start '9223372036854775807' is not a time"
            + " between the years 1970 and 9999",
        "DRAINING/-/-/1/-62135596800000/- | the out-of-service start '-62135596800000' is not a time"
            + " between the years 1970 and 9999",
      })
  void anUnreadablePhaseSaysWhy(String value, String message) {
    assertThatThrownBy(() -> StateAttributes.decodePhase(value)).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "OOPS/STAGED/-/1/1 | unknown failure reason 'OOPS'",
        "DRAIN_TIMEOUT/DRAINING/-/1/x | the failure count 'x' is not a number",
        "DRAIN_TIMEOUT/DRAINING/-/1/0 | the failure count must be at least 1, got 0",
        "DRAIN_TIMEOUT/DRAINING/-/-1/1 | the failure time '-1' is not a time between the years 1970"
            + " and 9999",
      })
  void anUnreadableFailureSaysWhy(String value, String message) {
    assertThatThrownBy(() -> StateAttributes.decodeFailure(value)).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({
    "true,true",
    "yes,true",
    "no,true",
    "0,true",
    "off,true",
    "false,false",
    "FALSE,false",
    "' False ',false",
    "'',true"
  })
  void optOutIsAnyValueButFalse(String value, boolean optedOut) {
    assertThat(StateAttributes.isOptOut(value)).isEqualTo(optedOut);
  }

  @Test
  void noOptOutAttributeMeansNoOptOut() {
    assertThat(StateAttributes.isOptOut(null)).isFalse();
  }

  @ParameterizedTest(name = "failure {0} waits {1} minutes")
  @CsvSource({"1,30", "2,60", "3,120", "6,960", "7,1440", "30,1440"})
  void backOffDoublesUpToTheMaximum(int count, long minutes) {
    FailureRecord f =
        new FailureRecord(
            FailureReason.DRAIN_TIMEOUT, Optional.of(Phase.DRAINING), Optional.empty(), T, count);

    assertThat(f.retryAfter(Duration.ofMinutes(30), Duration.ofHours(24)))
        .isEqualTo(T.plus(Duration.ofMinutes(minutes)));
  }

  @Test
  void lastCheckTagRoundTripsAndBadValuesReadAsNever() {
    assertThat(StateAttributes.decodeInstant(StateAttributes.encodeInstant(T))).contains(T);
    assertThat(StateAttributes.decodeInstant("last tuesday")).isEmpty();
    assertThat(StateAttributes.decodeInstant("+1000000000-12-31T23:59:59Z")).isEmpty();
    assertThat(StateAttributes.decodeInstant("1969-12-31T23:59:59Z")).isEmpty();
  }

  @Test
  void aHugeFailureCountDoesNotLoopOrOverflow() {
    FailureRecord f =
        new FailureRecord(
            FailureReason.DRAIN_TIMEOUT,
            Optional.of(Phase.DRAINING),
            Optional.empty(),
            T,
            Integer.MAX_VALUE);

    assertThat(f.retryAfter(Duration.ZERO, Duration.ofDays(365))).isEqualTo(T);
    assertThat(f.retryAfter(Duration.ofNanos(1), Duration.ofDays(365)))
        .isEqualTo(T.plus(Duration.ofDays(365)));
  }

  @Test
  void aRetryPastTheLastInstantIsTheLastInstant() {
    FailureRecord f =
        new FailureRecord(
            FailureReason.DRAIN_TIMEOUT,
            Optional.of(Phase.DRAINING),
            Optional.empty(),
            Instant.MAX,
            3);

    assertThat(f.retryAfter(Duration.ofMinutes(30), Duration.ofDays(1))).isEqualTo(Instant.MAX);
  }
}
