package io.github.bottlerocket.ecsupdater.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.bottlerocket.ecsupdater.app.FanOut;
import io.github.bottlerocket.ecsupdater.app.InvalidRequestException;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.app.LeaseKeeper;
import io.github.bottlerocket.ecsupdater.app.ReportJson;
import io.github.bottlerocket.ecsupdater.app.Updater;
import io.github.bottlerocket.ecsupdater.aws.AutoScalingAdapter;
import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.CloudWatchAdapter;
import io.github.bottlerocket.ecsupdater.aws.DynamoDbLeases;
import io.github.bottlerocket.ecsupdater.aws.EcsAdapter;
import io.github.bottlerocket.ecsupdater.aws.SqsFanOut;
import io.github.bottlerocket.ecsupdater.aws.SsmAdapter;
import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.ClusterLease;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import io.github.bottlerocket.ecsupdater.port.QueuePort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Lambda entry point. Accepts the payloads described in {@link Invocation}, runs one pass per
 * cluster within the invocation's remaining time, and returns the reports as JSON.
 *
 * <p>Clients and configuration are built once per execution environment. A configuration error
 * fails every invocation with the message that names the setting, rather than the whole init.
 *
 * <p>Every pass that may change its cluster takes the cluster's lease first ({@link LeaseKeeper}),
 * recorded as held by this function, the request's source and its request id.
 *
 * <p>With {@code FAN_OUT_QUEUE} set, a schedule tick runs no pass: it sends one message per cluster
 * to that SQS FIFO queue ({@link FanOut}). An SQS event (the queue's event source mapping, one
 * message per invocation) runs the pass each message asks for and answers with Lambda's partial
 * batch response ({@code batchItemFailures}) beside the reports.
 */
public final class UpdaterHandler implements RequestStreamHandler {
  private final Optional<ConfigException> configError;
  private final Settings settings;
  private final Updater updater;
  private final Optional<String> region;
  private final Clock clock;
  private final EcsPort ecs;
  private final LeasePort leases;
  private final QueuePort queue;

  /** A queue port for handlers built without one: it refuses every call. */
  static final QueuePort NO_QUEUE =
      new QueuePort() {
        @Override
        public String url(String name) {
          throw refused("sqs:GetQueueUrl");
        }

        @Override
        public List<Failed> send(String url, List<Message> messages) {
          throw refused("sqs:SendMessageBatch");
        }

        private AwsFault refused(String operation) {
          return new AwsFault(
              AwsFault.Kind.INVALID_REQUEST,
              operation,
              "this handler was built without a queue client",
              null);
        }
      };

  /** The fan-out queue's URL, looked up once per execution environment. */
  private String queueUrl;

  /** Used by Lambda: configuration from the environment, AWS clients from the default chains. */
  public UpdaterHandler() {
    this(System.getenv(), new AwsClients(), Clock.systemUTC(), Sleeper.REAL, System.out);
  }

  /**
   * For tests and local simulations.
   *
   * @param env the settings, as environment variables
   * @param clients the AWS clients to use
   * @param clock the clock every decision reads
   * @param sleeper how waits between observations are made
   * @param log where log lines (and embedded metrics) go
   */
  public UpdaterHandler(
      Map<String, String> env, AwsClients clients, Clock clock, Sleeper sleeper, PrintStream log) {
    this(
        env,
        settings -> new EcsAdapter(clients.ecs()),
        settings ->
            new SsmAdapter(
                clients.ssm(), settings.ssmDocumentPrefix(), settings.commandDeliveryTimeout()),
        settings -> new AutoScalingAdapter(clients.autoScaling()),
        settings -> new CloudWatchAdapter(clients::cloudWatch),
        settings -> LambdaTelemetry.of(settings, clients, clock, log),
        settings -> new DynamoDbLeases(clients.dynamoDb()),
        settings -> new SqsFanOut(clients.sqs()),
        clients.region().map(Object::toString).or(() -> Optional.ofNullable(env.get("AWS_REGION"))),
        clock,
        sleeper);
  }

  /**
   * With the AWS side given as ports, for tests: no lease table or queue, no instance in an Auto
   * Scaling group, no alarms to read.
   *
   * @param env the settings, as environment variables
   * @param ecs makes the ECS port from the settings
   * @param ssm makes the SSM port from the settings
   * @param listener makes the listener (logs, metrics, events) from the settings
   * @param region the region the function runs in, to reject cluster ARNs of other regions
   * @param clock the clock every decision reads
   * @param sleeper how waits between observations are made
   */
  public UpdaterHandler(
      Map<String, String> env,
      Function<Settings, EcsPort> ecs,
      Function<Settings, SsmPort> ssm,
      Function<Settings, PassListener> listener,
      Optional<String> region,
      Clock clock,
      Sleeper sleeper) {
    this(
        env,
        ecs,
        ssm,
        listener,
        settings -> LeaseKeeper.NO_CLIENT,
        settings -> NO_QUEUE,
        region,
        clock,
        sleeper);
  }

  /**
   * With the AWS side given as ports, the lease table's included, for tests; no instance in an Auto
   * Scaling group and no alarms to read.
   */
  public UpdaterHandler(
      Map<String, String> env,
      Function<Settings, EcsPort> ecs,
      Function<Settings, SsmPort> ssm,
      Function<Settings, PassListener> listener,
      Function<Settings, LeasePort> leases,
      Function<Settings, QueuePort> queue,
      Optional<String> region,
      Clock clock,
      Sleeper sleeper) {
    this(
        env,
        ecs,
        ssm,
        s -> AutoScalingPort.NO_GROUPS,
        s -> CloudWatchPort.UNAVAILABLE,
        listener,
        leases,
        queue,
        region,
        clock,
        sleeper);
  }

  /**
   * With every AWS side given as ports.
   *
   * @param env the settings, as environment variables
   * @param ecs makes the ECS port from the settings
   * @param ssm makes the SSM port from the settings
   * @param autoScaling makes the Auto Scaling port from the settings
   * @param cloudWatch makes the CloudWatch port (the alarm gate's) from the settings
   * @param listener makes the listener (logs, metrics, events) from the settings
   * @param leases makes the lease table's port from the settings
   * @param queue makes the fan-out queue's port from the settings
   * @param region the region the function runs in, to reject cluster ARNs of other regions
   * @param clock the clock every decision reads
   * @param sleeper how waits between observations are made
   */
  public UpdaterHandler(
      Map<String, String> env,
      Function<Settings, EcsPort> ecs,
      Function<Settings, SsmPort> ssm,
      Function<Settings, AutoScalingPort> autoScaling,
      Function<Settings, CloudWatchPort> cloudWatch,
      Function<Settings, PassListener> listener,
      Function<Settings, LeasePort> leases,
      Function<Settings, QueuePort> queue,
      Optional<String> region,
      Clock clock,
      Sleeper sleeper) {
    Settings parsed;
    Optional<ConfigException> error = Optional.empty();
    try {
      parsed = Settings.fromEnvironment(env);
    } catch (ConfigException e) {
      error = Optional.of(e);
      parsed = Settings.defaults();
    }
    this.configError = error;
    this.settings = parsed;
    this.clock = clock;
    this.region = region;
    this.ecs = ecs.apply(settings);
    this.leases = leases.apply(settings);
    this.queue = queue.apply(settings);
    this.updater =
        new Updater(
            settings,
            this.ecs,
            ssm.apply(settings),
            autoScaling.apply(settings),
            cloudWatch.apply(settings),
            clock,
            sleeper,
            listener.apply(settings));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    if (configError.isPresent()) {
      throw configError.get();
    }
    byte[] payload = input.readAllBytes();
    Optional<List<FanOut.Message>> queued = FanOut.records(payload);
    if (queued.isPresent()) {
      delivered(queued.get(), output, context);
      return;
    }
    Invocation invocation = Invocation.parse(payload, region);
    if (invocation.source() == Invocation.Source.SCHEDULE
        && settings.fanOutQueue().isPresent()
        && invocation.ignoredBecause().isEmpty()) {
      fanOut(invocation, settings.fanOutQueue().get(), output, context);
      return;
    }
    List<PassReport> reports = List.of();
    List<String> notes = invocation.notes();
    if (invocation.ignoredBecause().isEmpty()) {
      Updater.Run run = updater.run(invocation, deadline(context), lease(invocation, context));
      reports = run.reports();
      notes = run.notes();
    }
    byte[] body =
        ReportJson.reply(reports, invocation.ignoredBecause(), notes)
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    output.write(body);
    output.flush();
    if (!reports.isEmpty() && reports.stream().allMatch(r -> r.error().isPresent())) {
      // Fail the invocation so that Lambda's Errors metric and alarm see it.
      throw new PassFailedException(
          reports.stream().map(r -> r.clusterArn() + ": " + r.error().orElse("")).toList());
    }
  }

  private Deadline deadline(Context context) {
    return context == null
        ? Deadline.at(clock.instant().plus(settings.maxPassDuration()), clock)
        : () -> Duration.ofMillis(context.getRemainingTimeInMillis());
  }

  private ClusterLease lease(Invocation invocation, Context context) {
    return new LeaseKeeper(
        leases,
        ecs,
        clock,
        settings.leaseDuration(),
        LeaseKeeper.Tables.setting(settings.leaseTable()),
        holder(invocation, context));
  }

  /**
   * Sends the tick's clusters to the fan-out queue, one message each, and runs no pass itself. A
   * message SQS did not take fails the invocation, after the reply says which: the next tick sends
   * it again.
   */
  private void fanOut(Invocation tick, String queueName, OutputStream output, Context context)
      throws IOException {
    List<QueuePort.Message> messages = FanOut.messages(tick, clock.instant());
    List<String> problems = new java.util.ArrayList<>();
    try {
      if (queueUrl == null) {
        queueUrl = queue.url(queueName);
      }
      Map<String, String> clusterOf = new java.util.HashMap<>();
      for (int i = 0; i < messages.size(); i++) {
        clusterOf.put(messages.get(i).id(), tick.clusters().get(i));
      }
      for (QueuePort.Failed f : queue.send(queueUrl, messages)) {
        problems.add(clusterOf.getOrDefault(f.id(), f.id()) + ": " + f.why());
      }
    } catch (AwsFault e) {
      problems.add("every cluster: " + e.getMessage());
    }
    output.write(
        ReportJson.fannedOut(queueName, tick.clusters(), problems, tick.notes())
            .toString()
            .getBytes(StandardCharsets.UTF_8));
    output.flush();
    if (!problems.isEmpty()) {
      throw new PassFailedException(
          problems.stream().map(p -> "not sent to the fan-out queue: " + p).toList());
    }
  }

  /**
   * Runs the pass each delivered message asks for. A message whose pass stopped on a fault, or that
   * is not a request the updater reads, is returned as a batch item failure, so SQS delivers it
   * again and, after the queue's most receives, moves it to the dead-letter queue. When every
   * message failed the invocation fails too (after the reply), as a direct invoke's would.
   */
  private void delivered(List<FanOut.Message> messages, OutputStream output, Context context)
      throws IOException {
    List<PassReport> reports = new java.util.ArrayList<>();
    List<String> failures = new java.util.ArrayList<>();
    List<String> notes = new java.util.ArrayList<>();
    for (FanOut.Message m : messages) {
      Invocation one;
      try {
        one = Invocation.parse(FanOut.payload(m), region).from(Invocation.Source.QUEUE);
      } catch (InvalidRequestException e) {
        notes.add("message " + m.messageId() + " is not a request: " + e.getMessage());
        failures.add(m.messageId());
        continue;
      }
      List<PassReport> mine = List.of();
      if (one.ignoredBecause().isEmpty()) {
        Updater.Run run = updater.run(one, deadline(context), lease(one, context));
        mine = run.reports();
        notes.addAll(run.notes());
      }
      if (mine.stream().anyMatch(r -> r.stopReason() == PassReport.StopReason.ERROR)) {
        failures.add(m.messageId());
      }
      reports.addAll(mine);
    }
    output.write(
        ReportJson.reply(reports, Optional.empty(), notes)
            .set("batchItemFailures", ReportJson.batchItemFailures(failures))
            .toString()
            .getBytes(StandardCharsets.UTF_8));
    output.flush();
    if (failures.size() == messages.size()) {
      // As for a direct invoke: Lambda's Errors metric and alarm see a pass that failed. SQS
      // delivers the messages again either way.
      throw new PassFailedException(
          failures.stream().map(id -> "message " + id + " failed; see the reply").toList());
    }
  }

  /** Where a pass runs, as its lease records it: the function, what started it, the request. */
  static String holder(Invocation invocation, Context context) {
    String source =
        switch (invocation.source()) {
          case SCHEDULE -> "schedule";
          case MANUAL -> "manual invoke";
          case ECS_EVENT -> "ECS event";
          case QUEUE -> "fan-out queue";
        };
    if (context == null) {
      return "function (" + source + ")";
    }
    return "function "
        + context.getFunctionName()
        + " ("
        + source
        + ", request "
        + context.getAwsRequestId()
        + ")";
  }

  /** Every requested pass stopped on a fault; the messages say which and why. */
  public static final class PassFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PassFailedException(List<String> messages) {
      super("No pass completed: " + String.join("; ", messages));
    }
  }
}
