package io.github.bottlerocket.ecsupdater.cli;

import io.github.bottlerocket.ecsupdater.engine.Cause;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.RolloutStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders a pass report as a plain-text table for terminals. */
final class ReportTable {
  private ReportTable() {}

  static String render(PassReport r) {
    StringBuilder b = new StringBuilder();
    b.append('\n')
        .append(r.dryRun() ? "Plan for " : "Report for ")
        .append(r.clusterArn())
        .append(" (stopped: ")
        .append(r.stopReason())
        .append(")\n");
    r.cluster()
        .ifPresent(
            c ->
                b.append("  out of service ")
                    .append(c.outOfService())
                    .append('/')
                    .append(c.maxConcurrent())
                    .append(
                        c.rollout().maxConcurrent().endsWith("%")
                            ? " ("
                                + c.rollout().maxConcurrent()
                                + " of "
                                + c.rollout().bottlerocketInstances()
                                + ")"
                            : "")
                    .append(", circuit breaker ")
                    .append(c.circuitBreakerOpen() ? "OPEN" : "closed")
                    .append(" (")
                    .append(c.budgetFailures())
                    .append(" of budget ")
                    .append(c.failureBudget())
                    .append("), window ")
                    .append(c.windowOpen() ? "open" : "closed")
                    .append(c.stopped() ? ", STOPPED" : c.paused() ? ", PAUSED" : "")
                    .append('\n'));
    r.cluster()
        .ifPresent(
            c -> {
              for (RolloutStatus.HeldGroup h : c.rollout().holds()) {
                b.append("  held by ")
                    .append(h.reason().name())
                    .append(h.until().map(t -> " until " + t).orElse(""))
                    .append(": ")
                    .append(String.join(", ", h.instances()))
                    .append(" (")
                    .append(h.detail())
                    .append(")\n");
              }
            });
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "EC2 INSTANCE", "ECS", "VERSION", "TARGET", "PHASE", "OUTCOME", "REASON", "DETAIL / NEXT"
        });
    for (InstanceReport i : r.instances()) {
      String detail = i.detail().isEmpty() ? i.next() : i.detail() + " -> " + i.next();
      rows.add(
          new String[] {
            i.ec2InstanceId().isEmpty() ? shortArn(i.containerInstanceArn()) : i.ec2InstanceId(),
            i.ecsStatus(),
            i.runningVersion().orElse("-"),
            i.targetVersion().orElse("-"),
            i.phase().map(Enum::name).orElse("-"),
            i.outcome().name(),
            i.reason().map(Cause::name).orElse("-"),
            detail
          });
    }
    int[] widths = new int[rows.get(0).length - 1];
    for (String[] row : rows) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      b.append("  ");
      for (int c = 0; c < widths.length; c++) {
        b.append(String.format("%-" + widths[c] + "s  ", row[c]));
      }
      b.append(row[row.length - 1]).append('\n');
    }
    Map<Outcome, Integer> counts = r.counts();
    b.append("  ");
    List<String> parts = new ArrayList<>();
    counts.forEach(
        (k, v) -> {
          if (v > 0) {
            parts.add(v + " " + k.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
          }
        });
    b.append(String.join(", ", parts)).append('\n');
    r.error().ifPresent(e -> b.append("  error: ").append(e).append('\n'));
    return b.toString();
  }

  private static String shortArn(String arn) {
    int slash = arn.lastIndexOf('/');
    return slash < 0 ? arn : arn.substring(slash + 1);
  }
}
