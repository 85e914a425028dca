package io.github.bottlerocket.ecsupdater.cli;

import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.app.InvalidRequestException;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.app.ReportJson;
import io.github.bottlerocket.ecsupdater.app.Updater;
import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.CloudWatchAdapter;
import io.github.bottlerocket.ecsupdater.aws.EcsAdapter;
import io.github.bottlerocket.ecsupdater.aws.SsmAdapter;
import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.engine.Outcome;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import io.github.bottlerocket.ecsupdater.telemetry.TextProgress;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The command-line runner: the same engine as the Lambda function, with local credentials.
 *
 * <pre>
 * java -jar bottlerocket-ecs-updater.jar --cluster &lt;name|ARN&gt; [--dry-run] [--until-done]
 * </pre>
 */
public final class Main {
  /** Exit codes. */
  static final int OK = 0;

  static final int PASS_FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_CONVERGED = 3;

  /** The longest --tick: a day between passes is already more than a schedule would wait. */
  static final Duration LONGEST_TICK = Duration.ofDays(1);

  /** An AWS region name: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ... */
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

  static final String USAGE_TEXT =
      """
      Usage: java -jar bottlerocket-ecs-updater.jar --cluster <name|ARN> [options]

      Runs the Bottlerocket ECS updater's reconcile pass against one cluster, with the
      AWS credentials and region of this shell (AWS_PROFILE, AWS_REGION, ...). Settings are
      read from the same environment variables as the Lambda function (see the README).

      Options:
        --cluster <name|ARN>    the ECS cluster to update (required)
        --dry-run               plan only: change nothing, send only read-only update checks,
                                and print what a real pass would do and why
        --until-done            repeat passes, as successive schedule ticks would, until every
                                instance is up to date, skipped or failed (bounded by --max-passes)
        --max-passes <n>        most passes for --until-done (default 100)
        --tick <duration>       wait between passes for --until-done, e.g. 30s or 5m
                                (default 1m, at most 1d)
        --check-now             check for updates even if CHECK_INTERVAL has not passed
        --ignore-window         start updates even outside MAINTENANCE_WINDOW
        --max-concurrent <n>    replaces MAX_CONCURRENT for this run
        --json                  print the final report as JSON instead of a table
        --endpoint <url>        send every AWS call to this endpoint (AWS_ENDPOINT_URL also works)
        --region <region>       the AWS region (otherwise AWS_REGION or the profile decides)
        --help                  print this text

      Exit status: 0 done, 1 a pass failed, 2 bad arguments or settings,
                   3 --until-done stopped before every instance was settled.
      """;

  /** The AWS side of a run: the ports, and what to close afterwards. */
  public interface Backend extends AutoCloseable {
    EcsPort ecs();

    SsmPort ssm();

    /** The CloudWatch port, for the alarm gate. */
    default CloudWatchPort cloudWatch() {
      return CloudWatchPort.UNAVAILABLE;
    }

    @Override
    void close();

    /** The real AWS clients. */
    static Backend of(AwsClients clients, Settings settings) {
      EcsPort ecs = new EcsAdapter(clients.ecs());
      SsmPort ssm =
          new SsmAdapter(
              clients.ssm(), settings.ssmDocumentPrefix(), settings.commandDeliveryTimeout());
      CloudWatchPort cloudWatch = new CloudWatchAdapter(clients::cloudWatch);
      return new Backend() {
        @Override
        public EcsPort ecs() {
          return ecs;
        }

        @Override
        public SsmPort ssm() {
          return ssm;
        }

        @Override
        public CloudWatchPort cloudWatch() {
          return cloudWatch;
        }

        @Override
        public void close() {
          clients.close();
        }
      };
    }
  }

  /** Parsed arguments. */
  public record Options(
      String cluster,
      boolean dryRun,
      boolean untilDone,
      int maxPasses,
      Duration tick,
      boolean checkNow,
      boolean ignoreWindow,
      OptionalInt maxConcurrent,
      boolean json,
      Optional<URI> endpoint,
      Optional<String> region) {}

  private Main() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    int code =
        run(
            args,
            System.getenv(),
            out,
            err,
            Clock.systemUTC(),
            Sleeper.REAL,
            o -> AwsClients.of(o.endpoint(), o.region()));
    System.exit(code);
  }

  /**
   * Runs the command line with injected time and clients.
   *
   * @return the exit status
   */
  public static int run(
      String[] args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Clock clock,
      Sleeper sleeper,
      Function<Options, AwsClients> clientsFor) {
    return run(
        args,
        env,
        out,
        err,
        clock,
        sleeper,
        (Options o, Settings s) -> Backend.of(clientsFor.apply(o), s));
  }

  /**
   * Runs the command line against any backend, for tests.
   *
   * @return the exit status
   */
  public static int run(
      String[] args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Clock clock,
      Sleeper sleeper,
      BiFunction<Options, Settings, Backend> backendFor) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      if (e.getMessage().isEmpty()) {
        out.print(USAGE_TEXT);
        return OK;
      }
      err.println("error: " + e.getMessage());
      err.println("Run with --help for the options.");
      return USAGE;
    }
    Settings settings;
    try {
      settings = Settings.fromEnvironment(env);
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    Optional<String> region = options.region().or(() -> Optional.ofNullable(env.get("AWS_REGION")));
    Invocation invocation;
    try {
      String payload = "{\"cluster\":" + quote(options.cluster()) + "}";
      invocation = Invocation.parse(payload.getBytes(StandardCharsets.UTF_8), region);
    } catch (InvalidRequestException e) {
      err.println("error: " + e.getMessage().replace("Field 'cluster'", "--cluster"));
      return USAGE;
    }
    Backend backend;
    try {
      backend = backendFor.apply(options, settings);
    } catch (RuntimeException e) {
      // The SDK refuses to build a client without a region, or with an unusable one.
      err.println(
          "error: the AWS clients could not be set up ("
              + Echo.cut(String.valueOf(e.getMessage()))
              + "); give --region or set AWS_REGION, and check the credentials");
      return USAGE;
    }
    try (backend) {
      PassListener progress = new TextProgress(out, clock);
      Updater updater =
          new Updater(
              settings,
              backend.ecs(),
              backend.ssm(),
              backend.cloudWatch(),
              clock,
              sleeper,
              progress);
      return runPasses(options, invocation.clusters(), settings, updater, clock, sleeper, out, err);
    } catch (RuntimeException e) {
      // A fault of the AWS side ends the pass with a report; anything else is a defect.
      err.println(
          "error: the run stopped on an unexpected fault: "
              + e.getClass().getSimpleName()
              + ": "
              + Echo.cut(String.valueOf(e.getMessage())));
      return PASS_FAILED;
    }
  }

  private static int runPasses(
      Options o,
      List<String> clusters,
      Settings settings,
      Updater updater,
      Clock clock,
      Sleeper sleeper,
      PrintStream out,
      PrintStream err) {
    int passes = o.untilDone() ? o.maxPasses() : 1;
    PassReport last = null;
    for (int pass = 1; pass <= passes; pass++) {
      boolean checkNow = o.checkNow() || (o.untilDone() && pass > 1);
      PassOptions passOptions =
          new PassOptions(o.dryRun(), o.ignoreWindow(), checkNow, o.maxConcurrent());
      Invocation invocation =
          new Invocation(Invocation.Source.MANUAL, clusters, passOptions, Optional.empty());
      Deadline deadline = Deadline.at(clock.instant().plus(settings.maxPassDuration()), clock);
      last = updater.run(invocation, deadline).reports().get(0);
      if (o.untilDone()) {
        out.println(passLine(pass, last));
      }
      if (last.error().isPresent()) {
        printFinal(o, last, out);
        err.println("error: " + last.error().get());
        return PASS_FAILED;
      }
      if (!o.untilDone() || o.dryRun()) {
        break;
      }
      if (settled(last)) {
        printFinal(o, last, out);
        out.println("Done: every instance is up to date, skipped or failed (" + pass + " passes).");
        return OK;
      }
      if (pass > 1
          && last.stopReason() == PassReport.StopReason.SETTLED
          && last.transitions().isEmpty()) {
        printFinal(o, last, out);
        out.println("Stopped: nothing can move without a change (" + waitingReasons(last) + ").");
        return NOT_CONVERGED;
      }
      if (pass < passes) {
        try {
          sleeper.sleep(o.tick());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    printFinal(o, last, out);
    if (o.untilDone() && !o.dryRun() && !settled(last)) {
      out.println(
          "Stopped after "
              + passes
              + " passes before every instance settled ("
              + waitingReasons(last)
              + ").");
      return NOT_CONVERGED;
    }
    return OK;
  }

  /** Every instance is up to date, skipped or failed: nothing more will happen by itself. */
  static boolean settled(PassReport report) {
    Set<Outcome> done = EnumSet.of(Outcome.UP_TO_DATE, Outcome.SKIPPED, Outcome.FAILED);
    return report.stopReason() != PassReport.StopReason.DEADLINE
        && report.instances().stream().allMatch(i -> done.contains(i.outcome()));
  }

  private static String waitingReasons(PassReport report) {
    List<String> reasons = new ArrayList<>();
    for (InstanceReport i : report.instances()) {
      if (i.outcome() == Outcome.WAITING
          || i.outcome() == Outcome.IN_PROGRESS
          || i.outcome() == Outcome.NOT_CHECKED) {
        String r =
            i.ec2InstanceId() + " " + i.outcome() + i.reason().map(x -> " " + x.name()).orElse("");
        if (!reasons.contains(r)) {
          reasons.add(r);
        }
      }
    }
    return reasons.isEmpty()
        ? "no reason reported"
        : String.join(", ", reasons.subList(0, Math.min(5, reasons.size())));
  }

  private static String passLine(int pass, PassReport r) {
    Map<Outcome, Integer> c = r.counts();
    return String.format(
        "-- pass %d: %s after %s, %d changes; updated %d, in progress %d, waiting %d, up to date %d, skipped %d, failed %d",
        pass,
        r.stopReason(),
        Durations.format(Duration.between(r.startedAt(), r.finishedAt())),
        r.transitions().size(),
        c.get(Outcome.UPDATED),
        c.get(Outcome.IN_PROGRESS),
        c.get(Outcome.WAITING),
        c.get(Outcome.UP_TO_DATE),
        c.get(Outcome.SKIPPED),
        c.get(Outcome.FAILED));
  }

  private static void printFinal(Options o, PassReport report, PrintStream out) {
    if (o.json()) {
      out.println(ReportJson.report(report).toPrettyString());
    } else {
      out.print(ReportTable.render(report));
    }
  }

  static Options parse(String[] args) {
    String cluster = null;
    boolean dryRun = false;
    boolean untilDone = false;
    int maxPasses = 100;
    Duration tick = Duration.ofMinutes(1);
    boolean checkNow = false;
    boolean ignoreWindow = false;
    OptionalInt maxConcurrent = OptionalInt.empty();
    boolean json = false;
    Optional<URI> endpoint = Optional.empty();
    Optional<String> region = Optional.empty();
    Set<String> given = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--") && !given.add(a)) {
        // The last of two values silently winning could be a cluster nobody meant.
        throw new UsageException(a + " is given more than once; give it once");
      }
      switch (a) {
        case "--help", "-h" -> throw new UsageException("");
        case "--cluster" -> cluster = value(args, ++i, a);
        case "--dry-run" -> dryRun = true;
        case "--until-done" -> untilDone = true;
        case "--max-passes" -> maxPasses = number(value(args, ++i, a), a, 1, 100_000);
        case "--tick" -> tick = tick(value(args, ++i, a));
        case "--check-now" -> checkNow = true;
        case "--ignore-window" -> ignoreWindow = true;
        case "--max-concurrent" ->
            maxConcurrent =
                OptionalInt.of(number(value(args, ++i, a), a, 1, Settings.MAX_CONCURRENT_LIMIT));
        case "--json" -> json = true;
        case "--endpoint" -> {
          String v = value(args, ++i, a);
          try {
            URI uri = URI.create(v);
            if (uri.getScheme() == null || uri.getHost() == null) {
              throw new IllegalArgumentException();
            }
            endpoint = Optional.of(uri);
          } catch (IllegalArgumentException e) {
            throw new UsageException(
                "--endpoint must be a URL such as http://127.0.0.1:4566, got " + Echo.quote(v));
          }
        }
        case "--region" -> {
          String v = value(args, ++i, a);
          if (!REGION.matcher(v).matches()) {
            throw new UsageException(
                "--region must be an AWS region such as us-east-1, got " + Echo.quote(v));
          }
          region = Optional.of(v);
        }
        default -> throw new UsageException("unknown option " + Echo.quote(a));
      }
    }
    if (cluster == null) {
      throw new UsageException("--cluster is required (a cluster name or ARN)");
    }
    return new Options(
        cluster,
        dryRun,
        untilDone,
        maxPasses,
        tick,
        checkNow,
        ignoreWindow,
        maxConcurrent,
        json,
        endpoint,
        region);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  /** The wait between passes: from none to a day (a longer one is a typo, not a schedule). */
  private static Duration tick(String v) {
    String accepted = Durations.FORMS + ", at most " + Durations.format(LONGEST_TICK);
    Duration d;
    boolean tooLong;
    try {
      d = Durations.parse(v);
      tooLong = d.compareTo(LONGEST_TICK) > 0;
    } catch (Durations.TooLongException e) {
      d = LONGEST_TICK;
      tooLong = true;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--tick must be " + accepted + ", got " + Echo.quote(v));
    }
    if (tooLong) {
      throw new UsageException(
          "--tick must be at most " + Durations.format(LONGEST_TICK) + ", got " + Echo.quote(v));
    }
    if (d.isNegative()) {
      throw new UsageException("--tick must be " + accepted + ", got " + Echo.quote(v));
    }
    return d;
  }

  private static int number(String v, String option, int min, int max) {
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(
          option + " must be a whole number from " + min + " to " + max + ", got " + Echo.quote(v));
    }
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Bad arguments; an empty message means --help. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
