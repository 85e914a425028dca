package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one-command demo: the real command-line runner updates a simulated cluster of six hosts,
 * printing every phase change with its (simulated) time, then its report. Simulated time runs about
 * a hundred times faster than real time, so the whole update takes seconds.
 *
 * <pre>
 * ./mvnw -q -Pdemo -DskipTests -pl integ -am package
 * </pre>
 */
public final class Demo {
  private static final String OLD = "1.20.0";
  private static final String NEW = "1.20.1";

  /** Each of the updater's waits (a poll interval of 5 simulated seconds) also pauses this long. */
  private static final Duration PACE = Duration.ofMillis(120);

  private static final Map<String, String> ROLES = new LinkedHashMap<>();

  static {
    ROLES.put("br-1", "Bottlerocket " + OLD);
    ROLES.put("br-2", "Bottlerocket " + OLD);
    ROLES.put("br-3", "Bottlerocket " + NEW + ", already current");
    ROLES.put("br-4", "Bottlerocket " + OLD + ", runs a standalone task");
    ROLES.put("al-1", "Amazon Linux, not Bottlerocket");
    ROLES.put("br-5", "Bottlerocket " + OLD);
  }

  private Demo() {}

  /** The demo cluster: six hosts, two replica services and a daemon. */
  public static ClusterSpec cluster() {
    return ClusterSpec.named("demo")
        .withRelease("1.19.5")
        .withRelease(OLD)
        .withRelease(NEW)
        .withHost(HostSpec.bottlerocket("br-1", OLD))
        .withHost(HostSpec.bottlerocket("br-2", OLD))
        .withHost(HostSpec.bottlerocket("br-3", NEW))
        .withHost(HostSpec.bottlerocket("br-4", OLD).withStandaloneTask("nightly-report", 256, 512))
        .withHost(HostSpec.other("al-1"))
        .withHost(HostSpec.bottlerocket("br-5", OLD))
        .withService(ServiceSpec.replica("web", 4, 256, 512))
        .withService(ServiceSpec.replica("api", 2, 512, 1024).withDeployment(50, 200))
        .withService(ServiceSpec.daemon("log-router", 64, 128));
  }

  public static void main(String[] args) {
    boolean fast = List.of(args).contains("--fast");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int code = run(out, fast ? Duration.ZERO : PACE);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the demo, printing to {@code out}.
   *
   * @return 0 when the updater finished and every safety rule held
   */
  public static int run(PrintStream out, Duration pace) {
    try (Simulation sim = Simulation.startPaced(cluster(), Faults.none(2025), Map.of(), pace)) {
      out.println("Bottlerocket ECS updater demo: the real updater against a simulated cluster");
      out.println(
          "(simulated ECS, SSM and Bottlerocket hosts at "
              + sim.endpoint().uri()
              + "; times are simulated)");
      out.println();
      out.println(
          "Cluster 'demo', newest Bottlerocket release "
              + NEW
              + "; services: web (4 tasks), api (2), log-router (daemon)");
      for (SimulatedCluster.InstanceState i : sim.cluster().instanceStates()) {
        out.printf("  %-5s %-20s %s%n", i.name(), i.ec2InstanceId(), ROLES.get(i.name()));
      }
      out.println();
      out.println("$ java -jar bottlerocket-ecs-updater.jar --cluster demo --until-done --tick 1m");
      int code = sim.runCommandLine(out, out, "--cluster", "demo", "--until-done", "--tick", "1m");
      out.println();
      out.println("What the simulated cluster says now:");
      for (SimulatedCluster.InstanceState i : sim.cluster().instanceStates()) {
        String failure =
            i.attributes().containsKey(StateAttributes.FAILURE) ? ", failure recorded" : "";
        out.printf(
            "  %-5s %-8s %-8s rebooted %d time(s)%s%n",
            i.name(), i.status(), i.version(), i.reboots(), failure);
      }
      sim.invariants().checkConverged(sim.cluster(), Set.of("br-4"));
      List<Invariants.Violation> violations = sim.invariants().violations();
      if (violations.isEmpty()) {
        out.println(
            "Safety rules held throughout: never more than one host out of service, no standalone task stopped,");
        out.println(
            "no reboot with service tasks running or without a staged update, no unexplained DRAINING host.");
      } else {
        out.println("Safety rules broken:");
        violations.forEach(v -> out.println("  " + v));
      }
      return code == 0 && violations.isEmpty() ? 0 : 1;
    }
  }
}
