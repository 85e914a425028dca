package io.github.bottlerocket.ecsupdater.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.app.ReportJson;
import io.github.bottlerocket.ecsupdater.app.Updater;
import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.CloudWatchAdapter;
import io.github.bottlerocket.ecsupdater.aws.EcsAdapter;
import io.github.bottlerocket.ecsupdater.aws.SsmAdapter;
import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
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
 */
public final class UpdaterHandler implements RequestStreamHandler {
  private final Optional<ConfigException> configError;
  private final Settings settings;
  private final Updater updater;
  private final Optional<String> region;
  private final Clock clock;

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
        settings -> new CloudWatchAdapter(clients::cloudWatch),
        settings -> LambdaTelemetry.of(settings, clients, clock, log),
        clients.region().map(Object::toString).or(() -> Optional.ofNullable(env.get("AWS_REGION"))),
        clock,
        sleeper);
  }

  /**
   * With the AWS side given as ports, for tests.
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
    this(env, ecs, ssm, s -> CloudWatchPort.UNAVAILABLE, listener, region, clock, sleeper);
  }

  /**
   * With the AWS side given as ports, CloudWatch's included, for tests.
   *
   * @param cloudWatch makes the CloudWatch port (the alarm gate's) from the settings
   */
  public UpdaterHandler(
      Map<String, String> env,
      Function<Settings, EcsPort> ecs,
      Function<Settings, SsmPort> ssm,
      Function<Settings, CloudWatchPort> cloudWatch,
      Function<Settings, PassListener> listener,
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
    this.updater =
        new Updater(
            settings,
            ecs.apply(settings),
            ssm.apply(settings),
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
    Invocation invocation = Invocation.parse(input.readAllBytes(), region);
    List<PassReport> reports = List.of();
    List<String> notes = invocation.notes();
    if (invocation.ignoredBecause().isEmpty()) {
      Deadline deadline =
          context == null
              ? Deadline.at(clock.instant().plus(settings.maxPassDuration()), clock)
              : () -> Duration.ofMillis(context.getRemainingTimeInMillis());
      Updater.Run run = updater.run(invocation, deadline);
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

  /** Every requested pass stopped on a fault; the messages say which and why. */
  public static final class PassFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PassFailedException(List<String> messages) {
      super("No pass completed: " + String.join("; ", messages));
    }
  }
}
