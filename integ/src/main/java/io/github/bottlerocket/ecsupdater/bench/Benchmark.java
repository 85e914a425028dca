package io.github.bottlerocket.ecsupdater.bench;

import io.github.bottlerocket.ecsupdater.bench.Scenarios.HostTimes;
import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.sim.Faults;
import io.github.bottlerocket.ecsupdater.sim.Simulation;
import io.github.bottlerocket.ecsupdater.sim.Timing;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The benchmark command: runs the real updater against the simulated cluster and prints the tables
 * of {@code docs/benchmarks.md}.
 *
 * <pre>
 * ./mvnw -B -ntp -q -Pbenchmark -DskipTests -pl integ -am package
 * </pre>
 *
 * Options (via {@code -Dbenchmark.args="..."}): {@code --instances 10,100,1000,5000} (API calls),
 * {@code --rollout 10,100} (full rollouts), {@code --max-concurrent 1,2}, {@code --drain 120s},
 * {@code --download 90s}, {@code --reboot 60s}, {@code --sample 10} (updates counted in clusters
 * too large for a full rollout), {@code --planning 5000}, {@code --cold-start-runs 5}, {@code
 * --function-jar PATH}.
 */
public final class Benchmark {

  /** The benchmark's options. */
  record Options(
      List<Integer> instances,
      List<Integer> rollout,
      List<Integer> maxConcurrent,
      HostTimes times,
      int sample,
      int planning,
      int coldStartRuns,
      List<Duration> otherPollIntervals,
      List<Integer> scheduleOnly,
      Path functionJar,
      String commandLine) {

    static Options parse(String[] args) {
      List<Integer> instances = List.of(10, 100, 1000, 5000);
      List<Integer> rollout = List.of(10, 100);
      List<Integer> maxConcurrent = List.of(1, 2);
      Duration drain = Duration.ofSeconds(120);
      Duration download = Duration.ofSeconds(90);
      Duration reboot = Duration.ofSeconds(60);
      int sample = 10;
      int planning = 5000;
      int coldStartRuns = 5;
      List<Duration> polls = List.of(Duration.ofSeconds(15), Duration.ofSeconds(2));
      List<Integer> scheduleOnly = List.of(10);
      Path jar = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : "";
        switch (a) {
          case "--instances" -> instances = numbers(v);
          case "--rollout" -> rollout = numbers(v);
          case "--max-concurrent" -> maxConcurrent = numbers(v);
          case "--drain" -> drain = Durations.parse(v);
          case "--download" -> download = Durations.parse(v);
          case "--reboot" -> reboot = Durations.parse(v);
          case "--sample" -> sample = Integer.parseInt(v);
          case "--planning" -> planning = Integer.parseInt(v);
          case "--cold-start-runs" -> coldStartRuns = Integer.parseInt(v);
          case "--function-jar" -> jar = Path.of(v);
          case "--schedule-only" -> scheduleOnly = v.isBlank() ? List.of() : numbers(v);
          case "--other-poll-intervals" ->
              polls =
                  v.isBlank()
                      ? List.of()
                      : Arrays.stream(v.split(","))
                          .map(String::strip)
                          .map(Durations::parse)
                          .toList();
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
        i++;
      }
      if (jar == null) {
        jar = findFunctionJar();
      }
      return new Options(
          instances,
          rollout,
          maxConcurrent,
          new HostTimes(drain, download, reboot),
          sample,
          planning,
          coldStartRuns,
          polls,
          scheduleOnly,
          jar,
          String.join(" ", args));
    }

    private static List<Integer> numbers(String v) {
      return Arrays.stream(v.split(",")).map(String::strip).map(Integer::parseInt).toList();
    }

    private static Path findFunctionJar() {
      for (String candidate :
          List.of(
              "lambda/target/bottlerocket-ecs-updater.jar",
              "../lambda/target/bottlerocket-ecs-updater.jar")) {
        Path p = Path.of(candidate).toAbsolutePath().normalize();
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
      throw new IllegalStateException(
          "the function jar lambda/target/bottlerocket-ecs-updater.jar is missing; build with"
              + " ./mvnw -pl integ -am package, or pass --function-jar");
    }
  }

  private final Options o;
  private final PrintStream out;

  private Benchmark(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    run(Options.parse(args), out);
  }

  /** Runs every section, printing as it goes. */
  static void run(Options options, PrintStream out) {
    // The JDK's HTTP server otherwise leaves Nagle's algorithm on, and its two writes per reply
    // then wait for delayed ACKs: milliseconds of idle wall time per call that AWS would not add.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // The SDK asks the credentials chain; the simulated endpoint takes any key.
    System.setProperty("aws.accessKeyId", "AKIDSIMULATED");
    System.setProperty("aws.secretAccessKey", "simulated-secret");
    new Benchmark(options, out).all();
  }

  private void all() {
    long t0 = System.nanoTime();
    header();
    List<Scenarios.Rollout> rollouts = rollouts();
    apiCallsPerUpdate(rollouts);
    idlePasses();
    // lambda/target/bottlerocket-ecs-updater.jar -> integ/target/benchmark
    Path workDir =
        o.functionJar().getParent().getParent().resolveSibling("integ").resolve("target/benchmark");
    ChildJvms jvms = ChildJvms.prepare(o.functionJar(), workDir);
    planningPass(jvms);
    coldStart(jvms);
    out.printf(
        Locale.ROOT,
        "%nBenchmark finished in %.0f s of wall time.%n",
        (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------ header

  private void header() {
    HostTimes t = o.times();
    Timing timing = t.timing();
    Runtime rt = Runtime.getRuntime();
    out.println("# Bottlerocket ECS updater benchmark");
    out.println();
    out.println(
        "Arguments: " + (o.commandLine().isEmpty() ? "(defaults)" : o.commandLine()) + "  ");
    out.printf(
        Locale.ROOT,
        "Machine: %d cores, %s %s (%s), %s %s  %n",
        rt.availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("java.vendor"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
    out.printf(
        Locale.ROOT,
        "Simulated hosts: drain %s (replacement task starts %s, old task stops %s + %s"
            + " deregistration), download %s, reboot %s (shutdown %s, boot %s, agent reconnect"
            + " %s), activation %s; SSM delivery %s, execution %s  %n",
        s(t.drain()),
        s(timing.taskStart()),
        s(timing.taskStop()),
        s(t.extraStopTime()),
        s(t.download()),
        s(t.reboot()),
        s(timing.shutdown()),
        s(timing.boot()),
        s(timing.agentReconnect()),
        s(timing.activation()),
        s(timing.ssmDelivery()),
        s(timing.ssmExecution()));
    out.println(
        "Updater: the Lambda handler, invoked every 15 minutes (rate(15 minutes)) with a 15-minute"
            + " timeout; settings at their defaults: "
            + String.join(", ", defaults())
            + ".");
    out.printf(Locale.ROOT, "Floor per instance: drain + reboot = %s.%n", s(t.floor()));
  }

  private static List<String> defaults() {
    return Scenarios.realisticSettings(1).entrySet().stream()
        .filter(
            e ->
                List.of(
                        "POLL_INTERVAL",
                        "COMMAND_POLL_INTERVAL",
                        "CHECK_INTERVAL",
                        "REBOOT_GRACE",
                        "DEADLINE_MARGIN",
                        "DRAIN_TIMEOUT",
                        "REBOOT_TIMEOUT")
                    .contains(e.getKey()))
        .map(e -> e.getKey() + " " + e.getValue())
        .sorted()
        .toList();
  }

  // ------------------------------------------------------------------ rollouts

  private List<Scenarios.Rollout> rollouts() {
    HostTimes t = o.times();
    out.println();
    out.println("## Out of service per instance and makespan");
    out.println();
    out.println(
        "| updater | instances | MAX_CONCURRENT | updated | out of service: median / max |"
            + " max over floor | drains undone | downloads done before the drain | makespan |"
            + " makespan floor | makespan / floor | first drain to last ACTIVE |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    List<Scenarios.Rollout> results = new ArrayList<>();
    for (int n : o.rollout()) {
      for (int c : o.maxConcurrent()) {
        Scenarios.Rollout r = Scenarios.rollout(n, c, t, n);
        results.add(r);
        row("this updater", r, t);
      }
      GoUpdaterModel.Result go = GoUpdaterModel.rollout(n, t.drain(), t.timing());
      List<Duration> lengths =
          go.stretches().stream().map(GoUpdaterModel.Stretch::length).sorted().toList();
      Duration floor = t.floor().multipliedBy(n);
      out.printf(
          Locale.ROOT,
          "| Go updater (model) | %d | 1 (fixed) | %d | %s / %s | %s | 0 | 0 of %d (downloads while"
              + " drained) | %s | %s | %.3f | %s |%n",
          n,
          n,
          s(lengths.get(lengths.size() / 2)),
          s(lengths.get(lengths.size() - 1)),
          s(lengths.get(lengths.size() - 1).minus(t.floor())),
          n,
          hms(go.makespan()),
          hms(floor),
          ratio(go.makespan(), floor),
          hms(go.makespan().minus(go.stretches().get(0).drained())));
    }
    if (!o.rollout().isEmpty()) {
      int n = o.rollout().get(0);
      for (Duration poll : o.otherPollIntervals()) {
        Scenarios.Rollout r =
            Scenarios.rollout(n, 1, t, n, Map.of("POLL_INTERVAL", Durations.format(poll)), true);
        row("this updater, POLL_INTERVAL " + Durations.format(poll), r, t);
      }
    }
    List<Scenarios.Rollout> scheduleOnly = new ArrayList<>();
    for (int n : o.scheduleOnly()) {
      Scenarios.Rollout r = Scenarios.rollout(n, 1, t, n, Map.of(), false);
      scheduleOnly.add(r);
      row("this updater, schedule only (no ECS events)", r, t);
    }
    out.println();
    out.println(
        "Out of service: from ECS status DRAINING to ACTIVE again with the agent connected, in"
            + " simulated time. Makespan: from the first invocation to the last instance ACTIVE;"
            + " its floor is ceil(N / MAX_CONCURRENT) x (drain + reboot). Passes start on the"
            + " 15-minute schedule and on the ECS events the stack's event rule matches, through"
            + " Lambda's asynchronous invocation with reserved concurrency 1 (a pass never overlaps"
            + " another; an invocation that finds one running is retried after 1 s, 2 s, 4 s, ..."
            + " and dropped after 5 minutes), unless the row says schedule only.");
    out.println();
    out.println("| rollout | passes | of them started by an ECS event |");
    out.println("|---|---:|---:|");
    List<Scenarios.Rollout> all = new ArrayList<>(results);
    all.addAll(scheduleOnly);
    for (Scenarios.Rollout r : all) {
      out.printf(
          Locale.ROOT,
          "| %d instances, MAX_CONCURRENT %d%s | %d | %d |%n",
          r.instances(),
          r.maxConcurrent(),
          scheduleOnly.contains(r) ? ", schedule only" : "",
          r.invocations(),
          r.eventInvocations());
    }
    return results;
  }

  private void row(String who, Scenarios.Rollout r, HostTimes t) {
    int n = r.instances();
    int c = r.maxConcurrent();
    List<Duration> lengths =
        r.stretches().stream().map(Timeline.OutOfService::length).sorted().toList();
    Duration median = lengths.isEmpty() ? Duration.ZERO : lengths.get(lengths.size() / 2);
    Duration max = lengths.isEmpty() ? Duration.ZERO : lengths.get(lengths.size() - 1);
    Duration floor = t.floor().multipliedBy((n + c - 1) / c);
    out.printf(
        Locale.ROOT,
        "| %s | %d | %d | %d | %s / %s | %s | %d | %d of %d | %s | %s | %.3f | %s |%n",
        who,
        n,
        c,
        r.updated(),
        s(median),
        s(max),
        s(max.minus(t.floor())),
        r.stretches().stream().filter(x -> !x.rebooted()).count(),
        r.downloadsBeforeDrain(),
        n,
        hms(r.makespan()),
        hms(floor),
        ratio(r.makespan(), floor),
        hms(r.firstDrainToLastActive()));
    if (r.invariantViolations() > 0) {
      out.println("| (safety rules broken: " + r.invariantViolations() + ") |");
    }
  }

  // ------------------------------------------------------------------ API calls

  private void apiCallsPerUpdate(List<Scenarios.Rollout> full) {
    out.println();
    out.println("## AWS API calls per instance updated (MAX_CONCURRENT 1)");
    out.println();
    List<String> headers = new ArrayList<>();
    List<Map<String, Long>> columns = new ArrayList<>();
    List<Integer> divisors = new ArrayList<>();
    List<Long> wall = new ArrayList<>();
    for (Scenarios.Rollout r : full) {
      if (r.maxConcurrent() == 1) {
        headers.add(r.instances() + " (all " + r.updated() + ")");
        columns.add(r.calls());
        divisors.add(Math.max(1, r.updated()));
        wall.add(r.wallMillis());
      }
    }
    for (int n : o.instances()) {
      if (o.rollout().contains(n) || n <= o.sample()) {
        continue;
      }
      Scenarios.Rollout r = Scenarios.rollout(n, 1, o.times(), o.sample());
      headers.add(n + " (first " + r.updated() + ")");
      columns.add(r.calls());
      divisors.add(Math.max(1, r.updated()));
      wall.add(r.wallMillis());
    }
    table(headers, columns, divisors, wall);
    out.println();
    out.println(
        "Calls counted at the simulated endpoint from the first invocation until the last counted"
            + " instance is ACTIVE again, divided by the instances updated. Where a full rollout"
            + " would take too long to simulate, the first instances of the rollout are counted:"
            + " that includes the first update check of the whole cluster and the queue records of"
            + " every other instance.");
  }

  private void table(
      List<String> headers,
      List<Map<String, Long>> columns,
      List<Integer> divisors,
      List<Long> wallMillis) {
    TreeSet<String> ops = new TreeSet<>();
    columns.forEach(c -> ops.addAll(c.keySet()));
    StringBuilder h = new StringBuilder("| operation |");
    StringBuilder sep = new StringBuilder("|---|");
    for (String x : headers) {
      h.append(' ').append(x).append(" |");
      sep.append("---:|");
    }
    out.println(h);
    out.println(sep);
    for (String op : ops) {
      StringBuilder row = new StringBuilder("| ").append(op).append(" |");
      for (int i = 0; i < columns.size(); i++) {
        long c = columns.get(i).getOrDefault(op, 0L);
        row.append(' ').append(per(c, divisors.get(i))).append(" |");
      }
      out.println(row);
    }
    StringBuilder total = new StringBuilder("| **all** |");
    for (int i = 0; i < columns.size(); i++) {
      long c = columns.get(i).values().stream().mapToLong(Long::longValue).sum();
      total.append(" **").append(per(c, divisors.get(i))).append("** |");
    }
    out.println(total);
    StringBuilder time = new StringBuilder("| wall time of the run |");
    for (long ms : wallMillis) {
      time.append(String.format(Locale.ROOT, " %.1f s |", ms / 1000.0));
    }
    out.println(time);
  }

  private static String per(long count, int divisor) {
    if (count == 0) {
      return "";
    }
    return divisor == 1
        ? Long.toString(count)
        : String.format(Locale.ROOT, "%.1f", (double) count / divisor);
  }

  private void idlePasses() {
    out.println();
    out.println("## AWS API calls of one idle pass (no update available)");
    out.println();
    List<String> headers = new ArrayList<>();
    List<Map<String, Long>> columns = new ArrayList<>();
    List<Long> wall = new ArrayList<>();
    Map<Integer, List<Scenarios.Pass>> byN = new TreeMap<>();
    for (int n : o.instances()) {
      List<Scenarios.Pass> passes = Scenarios.idlePasses(n, o.times());
      byN.put(n, passes);
      headers.add(n + ", check due");
      columns.add(passes.get(0).calls());
      wall.add(passes.get(0).wallMillis());
      headers.add(n + ", no check");
      columns.add(passes.get(1).calls());
      wall.add(passes.get(1).wallMillis());
    }
    table(headers, columns, columns.stream().map(c -> 1).toList(), wall);
    out.println();
    out.println("Calls per instance in a pass with a check due, and the hourly rate:");
    out.println();
    out.println(
        "| instances | calls per instance | ECS calls per hour | SSM calls per hour | ECS calls/s"
            + " averaged over the hour | SSM calls/s averaged over the hour | largest count of"
            + " one operation in one pass |");
    out.println("|---:|---:|---:|---:|---:|---:|---|");
    for (var e : byN.entrySet()) {
      int n = e.getKey();
      Map<String, Long> due = e.getValue().get(0).calls();
      Map<String, Long> notDue = e.getValue().get(1).calls();
      long dueTotal = sum(due, "");
      // CHECK_INTERVAL 1h and a pass every 15 minutes: one pass with a check, three without.
      long ecsHour = sum(due, "ecs:") + 3 * sum(notDue, "ecs:");
      long ssmHour = sum(due, "ssm:") + 3 * sum(notDue, "ssm:");
      var largest = due.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
      out.printf(
          Locale.ROOT,
          "| %d | %.2f | %d | %d | %.3f | %.3f | %s %d |%n",
          n,
          (double) dueTotal / n,
          ecsHour,
          ssmHour,
          ecsHour / 3600.0,
          ssmHour / 3600.0,
          largest.getKey(),
          largest.getValue());
    }
    awsLikeCheckPass();
  }

  /** The check pass of the largest cluster again, with AWS-like latency and ECS throttling. */
  private void awsLikeCheckPass() {
    if (o.instances().isEmpty()) {
      return;
    }
    int n = o.instances().stream().max(Integer::compare).orElseThrow();
    Scenarios.Pass pass = Scenarios.awsLikeCheckPass(n, o.times());
    out.println();
    out.printf(
        Locale.ROOT,
        "## The check pass at %d instances with AWS-like latency and ECS throttling%n%n",
        n);
    table(
        List.of(n + ", check due"), List.of(pass.calls()), List.of(1), List.of(pass.wallMillis()));
    out.println();
    out.printf(
        Locale.ROOT,
        "Simulated time of the pass: %.1f s (stop reason %s). Every call takes a uniformly drawn"
            + " %d ms at most, added to the simulated clock one call after another (so calls the"
            + " updater makes in parallel count as if made in sequence); DescribeContainerInstances"
            + " and DescribeTasks share a bucket of 50 tokens refilled at 20 a second; a throttled"
            + " call is retried by the SDK, whose back-off sleeps in real time and is not in the"
            + " simulated time.%n",
        pass.simulated().toMillis() / 1000.0,
        pass.stopReason(),
        Scenarios.AWS_LIKE_LATENCY.toMillis());
  }

  private static long sum(Map<String, Long> calls, String prefix) {
    return calls.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  // ------------------------------------------------------------------ planning pass

  private void planningPass(ChildJvms jvms) {
    int n = o.planning();
    out.println();
    out.println("## One planning pass at " + n + " instances, in a JVM capped at -Xmx512m");
    out.println();
    out.println("| what | time | heap after GC | peak resident memory of the JVM |");
    out.println("|---|---:|---:|---:|");
    for (String kind : List.of("available", "idle")) {
      ChildJvms.Run r =
          jvms.run(
              jvms.functionJar,
              ChildJvms.LAMBDA_LIKE,
              Map.of(),
              PlanningProbe.class.getName(),
              List.of(Integer.toString(n), kind),
              Duration.ofMinutes(5));
      check(r, "the planning probe");
      out.printf(
          Locale.ROOT,
          "| Planner.plan, every host %s (%d decisions): first / median of 9 | %.1f / %.1f ms |"
              + " %s with the observation (%s before it), %s with the plan too | %s |%n",
          kind.equals("available") ? "has an update" : "current",
          r.number("decisions"),
          r.decimal("first-ms"),
          r.decimal("median-ms"),
          mb(r.number("heap-observation")),
          mb(r.number("heap-before")),
          mb(r.number("heap-plan")),
          mb(r.number("vm-hwm-kb") * 1024));
    }
    wholePass(jvms, n, true, "{\"cluster\":\"bench\",\"dryRun\":true}");
    wholePass(jvms, n, false, "{\"cluster\":\"bench\"}");
    out.println();
    out.println(
        "The whole passes run the function jar's handler in a child JVM against the simulated"
            + " endpoint in the benchmark's JVM, whose SSM answers at once (so the time is the"
            + " updater's, plus one POLL_INTERVAL of 10 ms); a real pass also waits for SSM.");
  }

  private void wholePass(ChildJvms jvms, int n, boolean updateAvailable, String payload) {
    try (Simulation sim =
        Simulation.start(
            Scenarios.cluster(n, updateAvailable), Faults.none(2025), instantSsm(), Map.of())) {
      ChildJvms.Run r =
          jvms.run(
              jvms.functionJar,
              ChildJvms.LAMBDA_LIKE,
              childEnv(sim),
              HandlerLauncher.class.getName(),
              List.of(
                  "io.github.bottlerocket.ecsupdater.handler.UpdaterHandler", payload, "--memory"),
              Duration.ofMinutes(10));
      check(r, "the whole pass");
      out.printf(
          Locale.ROOT,
          "| whole pass through the handler, %s | %.1f s (JVM start to reply; handler %.1f s) |"
              + " %s | %s |%n",
          updateAvailable
              ? "dry run, every host has an update: list, check every host, plan"
              : "real pass, no update: list, check every host, record the check",
          r.millisToReply() / 1000.0,
          r.number("handler-ms") / 1000.0,
          mb(r.number("heap-after-gc")),
          mb(r.number("vm-hwm-kb") * 1024));
    }
  }

  // ------------------------------------------------------------------ cold start

  private void coldStart(ChildJvms jvms) {
    out.println();
    out.println("## Cold start and package size");
    out.println();
    int runs = Math.max(1, o.coldStartRuns());
    List<Long> updater = new ArrayList<>();
    List<Long> minimal = new ArrayList<>();
    int[] updaterClasses = {0, 0};
    int[] minimalClasses = {0, 0};
    try (Simulation sim =
        Simulation.start(Scenarios.cluster(10, true), Faults.none(2025), instantSsm(), Map.of())) {
      Map<String, String> env = childEnv(sim);
      String payload = "{\"cluster\":\"bench\",\"dryRun\":true}";
      for (int i = 0; i <= runs; i++) {
        Path minimalLog = jvms.workDir.resolve("classes-minimal.log");
        Path updaterLog = jvms.workDir.resolve("classes-updater.log");
        ChildJvms.Run m =
            jvms.run(
                jvms.minimalJar,
                withClassLog(minimalLog),
                env,
                HandlerLauncher.class.getName(),
                List.of(ChildJvms.MINIMAL_HANDLER, payload),
                Duration.ofMinutes(2));
        check(m, "the minimal handler");
        ChildJvms.Run u =
            jvms.run(
                jvms.functionJar,
                withClassLog(updaterLog),
                env,
                HandlerLauncher.class.getName(),
                List.of("io.github.bottlerocket.ecsupdater.handler.UpdaterHandler", payload),
                Duration.ofMinutes(2));
        check(u, "the updater's handler");
        if (i == 0) {
          continue; // the first pair warms the file cache
        }
        minimal.add(m.millisToReply());
        updater.add(u.millisToReply());
        minimalClasses = ChildJvms.countClasses(minimalLog);
        updaterClasses = ChildJvms.countClasses(updaterLog);
      }
    }
    List<Long> us = updater.stream().sorted().toList();
    List<Long> ms = minimal.stream().sorted().toList();
    long um = us.get(us.size() / 2);
    long mm = ms.get(ms.size() / 2);
    out.println(
        "| handler | JVM start to first reply: median (min-max) of "
            + runs
            + " | classes loaded | of them from the jar | jar size |");
    out.println("|---|---:|---:|---:|---:|");
    out.printf(
        Locale.ROOT,
        "| updater, dry run against the simulated cluster (10 hosts) | %d ms (%d-%d) | %d | %d |"
            + " %s |%n",
        um,
        us.get(0),
        us.get(us.size() - 1),
        updaterClasses[0],
        updaterClasses[1],
        mb(size(jvms.functionJar)));
    out.printf(
        Locale.ROOT,
        "| minimal RequestStreamHandler, same launcher and JVM options | %d ms (%d-%d) | %d | %d |"
            + " %s |%n",
        mm,
        ms.get(0),
        ms.get(ms.size() - 1),
        minimalClasses[0],
        minimalClasses[1],
        mb(size(jvms.minimalJar)));
    out.printf(
        Locale.ROOT, "%nCold-start ratio (updater / minimal, medians): %.1f%n", (double) um / mm);
    out.println(
        "JVM options: "
            + String.join(" ", ChildJvms.LAMBDA_LIKE)
            + "; POLL_INTERVAL 10ms in the child, the simulated SSM answers at once.");
  }

  private static List<String> withClassLog(Path log) {
    List<String> options = new ArrayList<>(ChildJvms.LAMBDA_LIKE);
    options.add("-Xlog:class+load=info:file=" + log);
    return options;
  }

  /** The environment of a child updater: the simulated endpoint, dummy credentials. */
  private static Map<String, String> childEnv(Simulation sim) {
    return Map.of(
        "AWS_ENDPOINT_URL", sim.endpoint().uri().toString(),
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "AKIDSIMULATED",
        "AWS_SECRET_ACCESS_KEY", "simulated-secret",
        "POLL_INTERVAL", "10ms");
  }

  /** Default host times, but SSM delivers and finishes commands at once. */
  private static Timing instantSsm() {
    Timing d = Timing.defaults();
    return new Timing(
        Duration.ZERO,
        Duration.ZERO,
        Duration.ZERO,
        d.download(),
        d.activation(),
        d.shutdown(),
        d.boot(),
        d.failedBootExtra(),
        d.agentReconnect(),
        d.taskStart(),
        d.taskStop());
  }

  private static void check(ChildJvms.Run r, String what) {
    if (r.exitCode() != 0
        || r.millisToReply() < 0
        || r.marks().getOrDefault("reply", "").contains("error")) {
      throw new IllegalStateException(what + " failed in its child JVM: " + r);
    }
  }

  // ------------------------------------------------------------------ formatting

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private static String mb(long bytes) {
    return bytes < 100_000
        ? String.format(Locale.ROOT, "%.1f kB", bytes / 1_000.0)
        : String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
  }

  private static String s(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  private static String hms(Duration d) {
    long sec = d.toSeconds();
    return String.format(Locale.ROOT, "%d:%02d:%02d", sec / 3600, sec / 60 % 60, sec % 60);
  }

  private static double ratio(Duration a, Duration b) {
    return (double) a.toMillis() / b.toMillis();
  }
}
