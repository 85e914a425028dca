package io.github.bottlerocket.ecsupdater.telemetry;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.engine.Cause;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Human-readable progress for the command-line runner: one line per change, with its time. */
public final class TextProgress implements PassListener {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final Clock clock;

  public TextProgress(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public void passStarted(String clusterArn, String runId, boolean dryRun) {
    out.println(
        time()
            + "  "
            + (dryRun ? "dry run" : "pass")
            + " over "
            + JsonLog.clusterName(clusterArn)
            + " (run "
            + shortRun(runId)
            + ")");
  }

  @Override
  public void transition(Transition t) {
    String from = t.from().map(Enum::name).orElse("IDLE");
    String to = t.to().map(Enum::name).orElse("IDLE");
    String versions =
        t.targetVersion().map(v -> t.fromVersion().orElse("?") + " -> " + v).orElse("");
    String line =
        String.format(
            "%s  %-20s %-10s -> %-10s %-17s %s%s%s",
            TIME.format(t.at()),
            t.ec2InstanceId().isEmpty() ? t.containerInstanceArn() : t.ec2InstanceId(),
            from,
            to,
            versions,
            cause(t),
            t.detail(),
            t.outOfService().map(d -> " (out of service " + Durations.format(d) + ")").orElse(""));
    out.println(line.stripTrailing());
  }

  /**
   * The cause, worded by what happened: a release from the queue or a recovered check must not read
   * like a failure.
   */
  private static String cause(Transition t) {
    String name = t.reason().map(Cause::name).orElse("");
    String word =
        switch (t.kind()) {
          case FAILED -> "failed";
          case CHECK_FAILED -> "check failed";
          case RELEASED -> "released";
          case DRAIN_REVERTED -> "drain undone";
          default -> "";
        };
    if (word.isEmpty()) {
      return name.isEmpty() ? "" : name + ": ";
    }
    return name.isEmpty() ? word + ": " : word + " (" + name + "): ";
  }

  @Override
  public void stepFailed(
      String clusterArn, String containerInstanceArn, String step, String message) {
    out.println(time() + "  step " + step + " failed for " + containerInstanceArn + ": " + message);
  }

  @Override
  public void passFinished(PassReport report) {
    report.error().ifPresent(e -> out.println(time() + "  pass stopped: " + e));
  }

  private String time() {
    return TIME.format(clock.instant());
  }

  private static String shortRun(String runId) {
    return runId.length() > 8 ? runId.substring(0, 8) : runId;
  }
}
