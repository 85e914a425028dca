package io.github.bottlerocket.ecsupdater.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The benchmark runs on a tiny configuration; its numbers are not checked here. */
class BenchmarkTest {

  @Test
  void printsEveryTableOnATinyConfiguration() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Benchmark.run(
        Benchmark.Options.parse(
            new String[] {
              "--instances", "3,12",
              "--rollout", "3",
              "--max-concurrent", "1,2",
              "--sample", "2",
              "--planning", "20",
              "--cold-start-runs", "1"
            }),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("## Out of service per instance and makespan")
        .contains("| this updater | 3 | 1 | 3 |")
        .contains("| this updater | 3 | 2 |")
        .contains("| Go updater (model) | 3 |")
        .contains("| this updater, POLL_INTERVAL 15s | 3 | 1 |")
        .contains("| this updater, POLL_INTERVAL 2s | 3 | 1 |")
        .contains("## AWS API calls per instance updated")
        .contains("12 (first 2)")
        .contains("## AWS API calls of one idle pass")
        .contains("## One planning pass at 20 instances")
        .contains("Cold-start ratio");
  }

  @Test
  void theGoModelWaitsInWholeWaiterPolls() {
    assertThat(GoUpdaterModel.waited(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(15));
    assertThat(GoUpdaterModel.waited(Duration.ofSeconds(15))).isEqualTo(Duration.ofSeconds(15));
    assertThat(GoUpdaterModel.waited(Duration.ofSeconds(16))).isEqualTo(Duration.ofSeconds(30));
    assertThat(GoUpdaterModel.waited(Duration.ZERO)).isEqualTo(Duration.ZERO);
  }
}
