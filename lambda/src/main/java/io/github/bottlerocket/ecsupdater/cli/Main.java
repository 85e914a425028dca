package io.github.bottlerocket.ecsupdater.cli;

import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.app.InvalidRequestException;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.app.LeaseKeeper;
import io.github.bottlerocket.ecsupdater.app.Updater;
import io.github.bottlerocket.ecsupdater.aws.AutoScalingAdapter;
import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.CloudWatchAdapter;
import io.github.bottlerocket.ecsupdater.aws.DynamoDbLeases;
import io.github.bottlerocket.ecsupdater.aws.EcsAdapter;
import io.github.bottlerocket.ecsupdater.aws.SsmAdapter;
import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import io.github.bottlerocket.ecsupdater.telemetry.TextProgress;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
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
  static final int CLUSTER_BUSY = 4;

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
        --cluster <name|ARN>    the ECS cluster to update (required); with --status, one or
                                more clusters separated by commas
        --status                print each cluster's hosts by version and phase, what holds
                                them back and why, and who holds its lease: a dry run per
                                cluster, read-only, without a lease
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
        --lease-table <name>    take each pass's lease in this DynamoDB table (otherwise
                                LEASE_TABLE, or the table the cluster's tag names)
        --no-lease              take no lease: only when no other pass can run (the stack's
                                control parameter set to stop)
        --endpoint <url>        send every AWS call to this endpoint (AWS_ENDPOINT_URL also works)
        --region <region>       the AWS region (otherwise AWS_REGION or the profile decides)
        --help                  print this text

      Every pass that may change the cluster first takes the cluster's lease, the same one
      the deployed function takes, so the two never change one cluster at once.

      Exit status: 0 done, 1 a pass failed, 2 bad arguments or settings,
                   3 --until-done stopped before every instance was settled,
                   4 another pass holds the cluster's lease: nothing was changed.
      With --status: 0 every cluster was read, 1 one could not be.
      """;

  /** The AWS side of a run: the ports, and what to close afterwards. */
  public interface Backend extends AutoCloseable {
    EcsPort ecs();

    SsmPort ssm();

    /** The Auto Scaling groups of the instances; by default none. */
    default AutoScalingPort autoScaling() {
      return AutoScalingPort.NO_GROUPS;
    }

    /** The lease table; a backend without one refuses every lease. */
    default LeasePort leases() {
      return LeaseKeeper.NO_CLIENT;
    }

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
      AutoScalingPort autoScaling = new AutoScalingAdapter(clients.autoScaling());
      LeasePort leases = new DynamoDbLeases(clients.dynamoDb());
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
        public AutoScalingPort autoScaling() {
          return autoScaling;
        }

        @Override
        public LeasePort leases() {
          return leases;
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
      Optional<String> region,
      Optional<String> leaseTable,
      boolean noLease,
      boolean status) {
    /** The clusters named: one, or with {@code --status} several separated by commas. */
    List<String> clusters() {
      return List.of(cluster.split(","));
    }
  }

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
      StringBuilder names = new StringBuilder();
      for (String c : options.clusters()) {
        names.append(names.length() == 0 ? "" : ",").append(quote(c));
      }
      String payload =
          options.clusters().size() == 1
              ? "{\"cluster\":" + names + "}"
              : "{\"clusters\":[" + names + "]}";
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
      if (options.status()) {
        Updater quiet =
            new Updater(settings, backend.ecs(), backend.ssm(), clock, sleeper, PassListener.NONE);
        return new FleetStatus(
                options, settings, quiet, backend.ecs(), backend.leases(), clock, out, err)
            .run(invocation.clusters());
      }
      PassListener progress = new TextProgress(out, clock);
      Updater updater =
          new Updater(
              settings,
              backend.ecs(),
              backend.ssm(),
              backend.autoScaling(),
              backend.cloudWatch(),
              clock,
              sleeper,
              progress);
      ClusterLease lease =
          new LeaseKeeper(
              backend.leases(),
              backend.ecs(),
              clock,
              settings.leaseDuration(),
              Passes.tables(options, settings),
              Passes.holder(),
              note -> out.println("note: " + note));
      return new Passes(options, settings, updater, lease, clock, sleeper, out, err)
          .run(invocation.clusters());
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
    Optional<String> leaseTable = Optional.empty();
    boolean noLease = false;
    boolean status = false;
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
        case "--lease-table" -> {
          String v = value(args, ++i, a);
          if (!Settings.TABLE_NAME.matcher(v).matches()) {
            throw new UsageException(
                "--lease-table must be " + Settings.TABLE_NAME_FORM + ", got " + Echo.quote(v));
          }
          leaseTable = Optional.of(v);
        }
        case "--no-lease" -> noLease = true;
        case "--status" -> status = true;
        default -> throw new UsageException("unknown option " + Echo.quote(a));
      }
    }
    if (cluster == null) {
      throw new UsageException("--cluster is required (a cluster name or ARN)");
    }
    if (status) {
      for (String other : List.of("--dry-run", "--until-done", "--check-now", "--no-lease")) {
        if (given.contains(other)) {
          throw new UsageException(
              "--status only reads; "
                  + other
                  + " does not go with it (a status is a dry run without a lease)");
        }
      }
      if (Arrays.asList(cluster.split(",", -1)).contains("")) {
        throw new UsageException(
            "--cluster must name clusters separated by single commas, got " + Echo.quote(cluster));
      }
    } else if (cluster.contains(",")) {
      throw new UsageException(
          "--cluster names one cluster; several, separated by commas, only with --status, got "
              + Echo.quote(cluster));
    }
    if (noLease && leaseTable.isPresent()) {
      throw new UsageException(
          "--no-lease and --lease-table contradict each other; give one of them");
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
        region,
        leaseTable,
        noLease,
        status);
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
