package io.github.bottlerocket.ecsupdater.bench;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.CheckRound;
import io.github.bottlerocket.ecsupdater.engine.Control;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.plan.Planner;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.model.Resources;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Times the planner on one observation of {@code n} instances, each with a parsed update-check
 * reply, and reports the heap it takes. Run in a child JVM with the function's heap cap, on the
 * function jar's classes, so that "fits" means it ran there.
 *
 * <p>Arguments: the instance count, then {@code available} (every host has an update: the largest
 * plan, one download and n-1 queued) or {@code idle} (every host is current).
 */
public final class PlanningProbe {
  private static final int RUNS = 9;

  private PlanningProbe() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    boolean available = args[1].equals("available");
    System.gc();
    long heapBefore = heapUsed();
    Instant now = Instant.parse("2025-06-02T09:00:00Z");
    List<InstanceView> views = new ArrayList<>(n);
    Map<String, HostReply> replies = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String arn =
          String.format("arn:aws:ecs:us-east-1:123456789012:container-instance/bench/%032x", i);
      String ec2 = String.format("i-0%016x", i);
      ContainerInstance ci =
          new ContainerInstance(
              arn,
              ec2,
              InstanceStatus.ACTIVE,
              true,
              Map.of(ContainerInstance.VARIANT_ATTRIBUTE, "aws-ecs-2"),
              new Resources(2048, 4096),
              new Resources(1536, 3072),
              1,
              0,
              1);
      views.add(InstanceView.of(ci, now));
      CommandInvocation inv =
          new CommandInvocation(
              "00000000-0000-4000-8000-000000000001",
              ec2,
              InvocationStatus.SUCCESS,
              checkOutput(available),
              "");
      replies.put(arn, HostReply.of(HostCommand.CHECK, inv));
    }
    Observation o =
        new Observation(
            now,
            Settings.defaults(),
            PassOptions.DEFAULT,
            new ClusterInfo(
                "arn:aws:ecs:us-east-1:123456789012:cluster/bench", "bench", "ACTIVE", Map.of()),
            views,
            Map.of(),
            Map.of(),
            Map.of(),
            Optional.empty(),
            false,
            new CheckRound.Done(replies, now),
            Set.of(),
            Control.NONE);
    views = null;
    replies = null;
    System.gc();
    long heapObservation = heapUsed();
    long[] nanos = new long[RUNS];
    Planner.Plan plan = null;
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      plan = Planner.plan(o);
      nanos[r] = System.nanoTime() - t0;
    }
    System.gc();
    long heapPlan = heapUsed();
    long first = nanos[0];
    Arrays.sort(nanos);
    System.out.println(HandlerLauncher.MARK + "reply planned");
    System.out.println(HandlerLauncher.MARK + "decisions " + plan.decisions().size());
    System.out.println(HandlerLauncher.MARK + "reports " + plan.reports().size());
    System.out.println(HandlerLauncher.MARK + "first-ms " + first / 1e6);
    System.out.println(HandlerLauncher.MARK + "median-ms " + nanos[RUNS / 2] / 1e6);
    System.out.println(HandlerLauncher.MARK + "heap-before " + heapBefore);
    System.out.println(HandlerLauncher.MARK + "heap-observation " + heapObservation);
    System.out.println(HandlerLauncher.MARK + "heap-plan " + heapPlan);
    System.out.println(HandlerLauncher.MARK + "vm-hwm-kb " + HandlerLauncher.peakResidentKb());
    System.out.println(
        HandlerLauncher.MARK
            + "max-heap "
            + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax());
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** {@code apiclient update check} output, as a Bottlerocket host prints it. */
  private static String checkOutput(boolean available) {
    String chosen =
        available
            ? "{\n    \"arch\": \"x86_64\",\n    \"variant\": \"aws-ecs-2\",\n    \"version\": \"1.20.1\"\n  }"
            : "null";
    return "{\n"
        + "  \"active_partition\": {\n"
        + "    \"image\": {\n"
        + "      \"arch\": \"x86_64\",\n"
        + "      \"variant\": \"aws-ecs-2\",\n"
        + "      \"version\": \"1.20.0\"\n"
        + "    },\n"
        + "    \"next_to_boot\": true\n"
        + "  },\n"
        + "  \"available_updates\": [\n"
        + (available ? "    \"1.20.1\",\n" : "")
        + "    \"1.20.0\"\n"
        + "  ],\n"
        + "  \"chosen_update\": "
        + chosen
        + ",\n"
        + "  \"most_recent_command\": {\n"
        + "    \"cmd_status\": \"Success\",\n"
        + "    \"cmd_type\": \"refresh\",\n"
        + "    \"exit_status\": 0,\n"
        + "    \"stderr\": \"\",\n"
        + "    \"timestamp\": \"2025-06-02T08:59:58.123456789Z\"\n"
        + "  },\n"
        + "  \"staging_partition\": null,\n"
        + "  \"update_state\": \""
        + (available ? "Available" : "Idle")
        + "\"\n"
        + "}\n";
  }
}
