package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo keeps working: the updater finishes and every safety rule holds. */
class DemoTest {
  @Test
  void theDemoUpdatesTheClusterAndEndsWithTheReport() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();

    int code = Demo.run(new PrintStream(buf, true, StandardCharsets.UTF_8), Duration.ZERO);

    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out)
        .contains("Report for arn:aws:ecs:us-east-1:123456789012:cluster/demo")
        .contains("Safety rules held throughout");
  }
}
