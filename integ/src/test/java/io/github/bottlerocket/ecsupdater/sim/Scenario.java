package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One scenario: a {@link Simulation} and the ways the tests drive the real updater against it (the
 * Lambda handler, as schedule ticks would, and the command-line runner).
 */
final class Scenario implements AutoCloseable {
  /** Time between two invocations, as between schedule ticks. */
  static final Duration TICK = Duration.ofMinutes(2);

  static final String SCHEDULED = "{\"clusters\":[\"demo\"]}";
  static final String MANUAL = "{\"cluster\":\"demo\"}";
  static final String DRY_RUN = "{\"cluster\":\"demo\",\"dryRun\":true}";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  final Simulation sim;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8);
  private UpdaterHandler handler;

  /** Makes the handler of the scenario's one execution environment. */
  private final Function<PrintStream, UpdaterHandler> handlers;

  /** The SDK whose retries wait in simulated time, for scenarios started with one. */
  private final Optional<VirtualTimeSdk> sdk;

  private Scenario(
      Simulation sim,
      Function<PrintStream, UpdaterHandler> handlers,
      Optional<VirtualTimeSdk> sdk) {
    this.sim = sim;
    this.handlers = handlers;
    this.sdk = sdk;
  }

  static Scenario start(ClusterSpec spec, Faults faults, Map<String, String> settings) {
    Simulation sim = Simulation.start(spec, faults, settings);
    return new Scenario(sim, sim::newHandler, Optional.empty());
  }

  /**
   * A scenario whose handler's SDK clients back off for milliseconds: for faults that make the SDK
   * retry often (its back-off is real time, not simulated).
   */
  static Scenario startWithScaledBackoff(ClusterSpec spec, Faults faults) {
    Simulation sim = Simulation.start(spec, faults, Map.of());
    return new Scenario(sim, sim::newHandlerWithScaledBackoff, Optional.empty());
  }

  /**
   * A scenario whose handler's SDK clients retry as {@code retries} says, with every back-off (and
   * the adaptive mode's rate limiting) spent in simulated time: see {@link VirtualTimeSdk}.
   */
  static Scenario startWithSdkInVirtualTime(
      ClusterSpec spec,
      Faults faults,
      Map<String, String> settings,
      VirtualTimeSdk.Retries retries) {
    Simulation sim = Simulation.start(spec, faults, settings);
    VirtualTimeSdk sdk = new VirtualTimeSdk(sim.clock(), retries);
    return new Scenario(sim, log -> sdk.handler(sim, log), Optional.of(sdk));
  }

  /** The SDK of a scenario started with {@link #startWithSdkInVirtualTime}. */
  VirtualTimeSdk sdk() {
    return sdk.orElseThrow();
  }

  /** A scenario whose cluster takes the times in {@code timing}. */
  static Scenario start(
      ClusterSpec spec, Faults faults, Timing timing, Map<String, String> settings) {
    Simulation sim = Simulation.start(spec, faults, timing, settings);
    return new Scenario(sim, sim::newHandler, Optional.empty());
  }

  static Scenario start(ClusterSpec spec, Faults faults) {
    return start(spec, faults, Map.of());
  }

  /** The handler's reply to one invocation. */
  record Reply(JsonNode json) {
    JsonNode report() {
      return json.path("reports").path(0);
    }

    String stopReason() {
      return report().path("stopReason").asText();
    }

    /** Whether nothing is under way or waiting any more (as the runner's --until-done decides). */
    boolean settled() {
      if (!stopReason().equals("SETTLED")) {
        return false;
      }
      for (JsonNode i : report().path("instances")) {
        if (!Set.of("UP_TO_DATE", "SKIPPED", "FAILED").contains(i.path("outcome").asText())) {
          return false;
        }
      }
      return true;
    }

    /** The report line of the instance with this EC2 id. */
    JsonNode line(String ec2InstanceId) {
      for (JsonNode i : report().path("instances")) {
        if (i.path("ec2InstanceId").asText().equals(ec2InstanceId)) {
          return i;
        }
      }
      throw new AssertionError(
          "no report line for " + ec2InstanceId + " in " + json.toPrettyString());
    }
  }

  /** Invokes the handler (one execution environment for the whole scenario). */
  Reply invoke(String payload) {
    if (handler == null) {
      handler = handlers.apply(logStream);
    }
    return parse(sim.invoke(handler, payload));
  }

  /**
   * Invokes a new handler, with no memory of earlier invocations, whose remaining time drops to
   * zero once {@code killed} says so.
   */
  String invokeFresh(String payload, BooleanSupplier killed) {
    return sim.invoke(handlers.apply(logStream), payload, Duration.ofMinutes(15), killed);
  }

  /**
   * Invokes once per tick until {@code done} holds for a reply; fails after {@code most}
   * invocations.
   */
  Reply invokeUntil(String payload, Predicate<Reply> done, int most) {
    Reply r = invoke(payload);
    for (int n = 1; !done.test(r); n++) {
      if (n >= most) {
        throw new AssertionError(
            "not done after " + most + " invocations; last reply:\n" + r.json().toPrettyString());
      }
      sim.advance(TICK);
      r = invoke(payload);
    }
    return r;
  }

  /**
   * Like {@link #invokeUntil} but with a new handler for every invocation, as when each schedule
   * tick lands in a new execution environment: nothing is remembered between passes.
   */
  Reply resumeUntil(String payload, Predicate<Reply> done, int most) {
    Reply r = parse(invokeFresh(payload, () -> false));
    for (int n = 1; !done.test(r); n++) {
      if (n >= most) {
        throw new AssertionError(
            "not done after " + most + " invocations; last reply:\n" + r.json().toPrettyString());
      }
      sim.advance(TICK);
      r = parse(invokeFresh(payload, () -> false));
    }
    return r;
  }

  Reply invokeUntilSettled(String payload) {
    return invokeUntil(payload, Reply::settled, 40);
  }

  /** What the command-line runner printed and returned. */
  record CommandLine(int exitCode, String out, String err) {}

  CommandLine commandLine(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        sim.runCommandLine(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new CommandLine(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  SimulatedCluster.InstanceState host(String name) {
    return sim.cluster().instance(name);
  }

  String ec2(String name) {
    return host(name).ec2InstanceId();
  }

  /** Host names by EC2 id, to read reports. */
  Map<String, String> namesByEc2() {
    Map<String, String> m = new LinkedHashMap<>();
    sim.cluster().instanceStates().forEach(i -> m.put(i.ec2InstanceId(), i.name()));
    return m;
  }

  /** How many times each host got {@code command}. */
  long commandsSent(String host, String command) {
    return sim.cluster().hostCommandsSent().stream().filter((host + ":" + command)::equals).count();
  }

  /** The updater's JSON log lines so far. */
  String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  /**
   * The invariants held throughout, the simulator did not break, and every Bottlerocket host not
   * named in {@code heldBack} is current or carries a recorded failure.
   */
  void assertInvariantsHeld(Set<String> heldBack) {
    sim.assertSimulatorHealthy();
    sim.invariants().checkConverged(sim.cluster(), heldBack);
    sim.invariants().assertHeld();
  }

  /** The invariants held throughout, whatever the end state. */
  void assertSafetyHeld() {
    sim.assertSimulatorHealthy();
    sim.invariants().assertHeld();
  }

  @Override
  public void close() {
    sdk.ifPresent(VirtualTimeSdk::close);
    sim.close();
  }

  private static Reply parse(String body) {
    try {
      return new Reply(MAPPER.readTree(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
