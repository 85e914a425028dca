package io.github.bottlerocket.ecsupdater.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.Cause;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runner's progress lines say what kind of change each one is. */
class TextProgressTest {
  private static final Instant AT = Instant.parse("2026-11-02T10:15:30Z");

  private static String line(Transition.Kind kind, Phase from, Optional<Phase> to, Cause cause) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new TextProgress(out, Clock.fixed(AT, ZoneOffset.UTC))
        .transition(
            new Transition(
                AT,
                "arn:aws:ecs:us-west-2:111122223333:cluster/prod",
                "arn:aws:ecs:us-west-2:111122223333:container-instance/prod/abc",
                "i-0abc",
                kind,
                Optional.of(from),
                to,
                Optional.of("1.20.0"),
                Optional.of("1.20.1"),
                Optional.of(cause),
                "the detail",
                Optional.empty(),
                Optional.empty()));
    return bytes.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void aReleaseFromTheQueueSaysReleasedNotFailed() {
    String line =
        line(Transition.Kind.RELEASED, Phase.QUEUED, Optional.empty(), Reason.UPDATE_WITHDRAWN);

    assertThat(line)
        .contains("QUEUED     -> IDLE")
        .contains("released (UPDATE_WITHDRAWN): the detail")
        .doesNotContain("failed");
  }

  @Test
  void aFailureSaysFailedWithItsReason() {
    String line =
        line(
            Transition.Kind.FAILED,
            Phase.REBOOTING,
            Optional.of(Phase.REBOOTING),
            FailureReason.REBOOT_TIMEOUT);

    assertThat(line).contains("failed (REBOOT_TIMEOUT): the detail");
  }
}
