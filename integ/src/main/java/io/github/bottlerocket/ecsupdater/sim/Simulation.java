package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.EcsAdapter;
import io.github.bottlerocket.ecsupdater.aws.SsmAdapter;
import io.github.bottlerocket.ecsupdater.cli.Main;
import io.github.bottlerocket.ecsupdater.handler.LambdaTelemetry;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;

/**
 * A simulated cluster behind a local AWS endpoint, with the real updater wired to it: the
 * simulation's clock and sleeper, and SDK clients that reach the endpoint over HTTP.
 */
public final class Simulation implements AutoCloseable {
  /** Simulations start on a Monday morning, UTC. */
  public static final Instant START = Instant.parse("2025-06-02T09:00:00Z");

  /**
   * Updater settings scaled to the simulation's timing: the defaults are for real clusters, where a
   * download takes minutes and a reboot several.
   */
  public static final Map<String, String> SETTINGS =
      Map.ofEntries(
          Map.entry("POLL_INTERVAL", "5s"),
          Map.entry("COMMAND_POLL_INTERVAL", "2s"),
          Map.entry("CHECK_TIMEOUT", "1m"),
          Map.entry("CHECK_INTERVAL", "30m"),
          Map.entry("STAGE_TIMEOUT", "10m"),
          Map.entry("DRAIN_TIMEOUT", "10m"),
          Map.entry("ACTIVATE_TIMEOUT", "1m"),
          Map.entry("REBOOT_TIMEOUT", "5m"),
          Map.entry("REBOOT_GRACE", "10s"),
          Map.entry("VERIFY_TIMEOUT", "3m"),
          Map.entry("RETRY_BACKOFF", "5m"),
          Map.entry("RETRY_BACKOFF_MAX", "1h"),
          Map.entry("DEADLINE_MARGIN", "10s"),
          Map.entry("MAX_PASS_DURATION", "14m"),
          Map.entry("EVENT_BUS", "default"));

  private final VirtualClock clock;
  private final VirtualSleeper sleeper;
  private final SimulatedCluster cluster;
  private final AwsEndpoint endpoint;
  private final Invariants invariants;
  private final Map<String, String> env;

  private Simulation(
      ClusterSpec spec,
      Faults faults,
      Timing timing,
      Map<String, String> overrides,
      Duration realPausePerWait) {
    useDummyCredentials();
    this.clock = new VirtualClock(START);
    this.sleeper = new VirtualSleeper(clock, realPausePerWait);
    this.cluster = new SimulatedCluster(spec, faults, timing, clock);
    Map<String, String> e = new HashMap<>(SETTINGS);
    spec.ssmDocumentPrefix().ifPresent(p -> e.put("SSM_DOCUMENT_PREFIX", p));
    e.putAll(overrides);
    this.env = Map.copyOf(e);
    this.invariants = new Invariants(maxConcurrent(env.getOrDefault("MAX_CONCURRENT", "1"), spec));
    cluster.addObserver(invariants);
    this.endpoint = AwsEndpoint.start(cluster);
  }

  /**
   * The limit the invariants hold the updater to: a number, or a share of the cluster's
   * Bottlerocket hosts ({@code 25%}: rounded down, at least 1), as the updater resolves it.
   */
  static int maxConcurrent(String setting, ClusterSpec spec) {
    if (!setting.endsWith("%")) {
      return Integer.parseInt(setting);
    }
    int percent = Integer.parseInt(setting.substring(0, setting.length() - 1));
    long hosts = spec.hosts().stream().filter(ClusterSpec.HostSpec::bottlerocket).count();
    return (int) Math.max(1, hosts * percent / 100);
  }

  /**
   * Starts a simulation.
   *
   * @param spec the cluster
   * @param faults the faults to inject
   * @param overrides updater settings replacing {@link #SETTINGS}
   */
  public static Simulation start(ClusterSpec spec, Faults faults, Map<String, String> overrides) {
    return new Simulation(spec, faults, Timing.defaults(), overrides, Duration.ZERO);
  }

  /**
   * Starts a simulation whose hosts, tasks and SSM take the times in {@code timing}.
   *
   * @param spec the cluster
   * @param faults the faults to inject
   * @param timing how long things take in the cluster
   * @param overrides updater settings replacing {@link #SETTINGS}
   */
  public static Simulation start(
      ClusterSpec spec, Faults faults, Timing timing, Map<String, String> overrides) {
    return new Simulation(spec, faults, timing, overrides, Duration.ZERO);
  }

  /** Starts a simulation whose sleeper also pauses for real on each wait, for people to watch. */
  public static Simulation startPaced(
      ClusterSpec spec, Faults faults, Map<String, String> overrides, Duration realPausePerWait) {
    return new Simulation(spec, faults, Timing.defaults(), overrides, realPausePerWait);
  }

  public VirtualClock clock() {
    return clock;
  }

  public VirtualSleeper sleeper() {
    return sleeper;
  }

  public SimulatedCluster cluster() {
    return cluster;
  }

  public AwsEndpoint endpoint() {
    return endpoint;
  }

  public Invariants invariants() {
    return invariants;
  }

  /** The updater's settings, as environment variables. */
  public Map<String, String> env() {
    return env;
  }

  /** New SDK clients that reach the simulated endpoint. */
  public AwsClients newClients() {
    return new AwsClients(Optional.of(endpoint.uri()), Optional.of(Region.US_EAST_1));
  }

  /** A new Lambda handler, as in a fresh execution environment. */
  public UpdaterHandler newHandler(PrintStream log) {
    return new UpdaterHandler(env, newClients(), clock, sleeper, log);
  }

  /**
   * A new Lambda handler whose ECS and SSM clients back off for milliseconds instead of seconds
   * (see {@link ScaledBackoffClients}); for scenarios that throttle many calls. It publishes no
   * events.
   */
  public UpdaterHandler newHandlerWithScaledBackoff(PrintStream log) {
    ScaledBackoffClients fast = new ScaledBackoffClients(endpoint.uri());
    Map<String, String> noEvents = new HashMap<>(env);
    noEvents.put("EVENT_BUS", "none");
    return new UpdaterHandler(
        noEvents,
        settings -> new EcsAdapter(fast.ecs()),
        settings ->
            new SsmAdapter(
                fast.ssm(), settings.ssmDocumentPrefix(), settings.commandDeliveryTimeout()),
        settings -> LambdaTelemetry.of(settings, newClients(), clock, log),
        Optional.of(Region.US_EAST_1.id()),
        clock,
        sleeper);
  }

  /**
   * Invokes {@code handler} with {@code payload} and a Lambda timeout, returning its reply. When
   * every pass stopped on a fault the handler fails the invocation after writing the reply; the
   * reply (which carries the error) is returned all the same, as the next schedule tick would
   * simply run again.
   *
   * @param killed when it turns true, the invocation's remaining time drops to zero
   */
  public String invoke(
      UpdaterHandler handler, String payload, Duration timeout, BooleanSupplier killed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(
          new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)),
          out,
          new SimulatedLambdaContext(clock, timeout, killed));
    } catch (UpdaterHandler.PassFailedException e) {
      // The reply is written; the failure is in it.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public String invoke(UpdaterHandler handler, String payload) {
    return invoke(handler, payload, Duration.ofMinutes(15), () -> false);
  }

  /** Runs the command-line runner against the simulation; returns its exit status. */
  public int runCommandLine(PrintStream out, PrintStream err, String... args) {
    Function<Main.Options, AwsClients> clients = options -> newClients();
    return Main.run(args, env, out, err, clock, sleeper, clients);
  }

  /** Moves time on, as between two schedule ticks, and lets the cluster catch up. */
  public void advance(Duration d) {
    clock.advance(d);
    cluster.catchUp();
  }

  /** Fails if the simulation itself broke (a bug in the simulator, not in the updater). */
  public void assertSimulatorHealthy() {
    if (!endpoint.internalErrors().isEmpty()) {
      throw new AssertionError("the simulator failed: " + endpoint.internalErrors());
    }
  }

  @Override
  public void close() {
    endpoint.close();
  }

  /** The SDK needs some credentials; the simulated endpoint accepts any. */
  private static void useDummyCredentials() {
    if (System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "AKIDSIMULATED");
      System.setProperty("aws.secretAccessKey", "simulated-secret");
    }
  }
}
