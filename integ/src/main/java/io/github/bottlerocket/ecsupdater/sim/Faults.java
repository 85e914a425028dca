package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The faults a simulation injects, all decided by one seed. Fractions are drawn per request from a
 * {@link FaultDice} keyed by the request itself, so a run gives the same faults however the
 * updater's threads interleave. Host faults name hosts by their simulation name ({@code br-1}).
 *
 * @param seed decides every random draw
 * @param throttleFraction share of AWS calls answered with {@code ThrottlingException}
 * @param serverErrorFraction share of AWS calls answered with a 5xx
 * @param maxLatency each AWS call takes a uniformly drawn virtual time up to this
 * @param garbledOutputFraction share of status-printing host commands whose output is garbage or
 *     empty although they succeed
 * @param badBoot hosts whose new version fails to boot: they come back on the old one
 * @param neverReturns hosts that go down on reboot and never come back
 * @param prepareFailures by host: how many downloads fail before one succeeds
 * @param blockedDrains hosts whose service tasks ECS cannot place elsewhere, whatever the free
 *     capacity (as with a placement constraint the updater does not see)
 * @param extraStopTime added to every service task's stop on a draining instance (load balancer
 *     deregistration delay, long stop timeouts): a slow drain
 * @param slowBoots by host: how much longer than usual its boots take
 * @param rerunInterruptedCommands the SSM agent runs a command that a reboot interrupted again once
 *     the host is back (amazon-ssm-agent issue 169), as it may with the reboot command itself
 */
public record Faults(
    long seed,
    double throttleFraction,
    double serverErrorFraction,
    Duration maxLatency,
    double garbledOutputFraction,
    Set<String> badBoot,
    Set<String> neverReturns,
    Map<String, Integer> prepareFailures,
    Set<String> blockedDrains,
    Duration extraStopTime,
    Map<String, Duration> slowBoots,
    boolean rerunInterruptedCommands) {

  public Faults {
    check(throttleFraction, "throttleFraction");
    check(serverErrorFraction, "serverErrorFraction");
    check(garbledOutputFraction, "garbledOutputFraction");
    badBoot = Set.copyOf(badBoot);
    neverReturns = Set.copyOf(neverReturns);
    prepareFailures = Map.copyOf(prepareFailures);
    blockedDrains = Set.copyOf(blockedDrains);
    slowBoots = Map.copyOf(slowBoots);
  }

  /** No faults. */
  public static Faults none(long seed) {
    return new Faults(
        seed,
        0,
        0,
        Duration.ZERO,
        0,
        Set.of(),
        Set.of(),
        Map.of(),
        Set.of(),
        Duration.ZERO,
        Map.of(),
        false);
  }

  public Faults withThrottling(double fraction) {
    return edit(e -> e.throttleFraction = fraction);
  }

  public Faults withServerErrors(double fraction) {
    return edit(e -> e.serverErrorFraction = fraction);
  }

  public Faults withLatency(Duration max) {
    return edit(e -> e.maxLatency = max);
  }

  public Faults withGarbledOutput(double fraction) {
    return edit(e -> e.garbledOutputFraction = fraction);
  }

  public Faults withBadBoot(String host) {
    return edit(e -> e.badBoot.add(host));
  }

  public Faults withNeverReturns(String host) {
    return edit(e -> e.neverReturns.add(host));
  }

  public Faults withPrepareFailures(String host, int count) {
    return edit(e -> e.prepareFailures.put(host, count));
  }

  public Faults withBlockedDrain(String host) {
    return edit(e -> e.blockedDrains.add(host));
  }

  public Faults withExtraStopTime(Duration d) {
    return edit(e -> e.extraStopTime = d);
  }

  public Faults withSlowBoot(String host, Duration extra) {
    return edit(e -> e.slowBoots.put(host, extra));
  }

  public Faults withInterruptedCommandsRunAgain() {
    return edit(e -> e.rerunInterruptedCommands = true);
  }

  /** A copy with one change. */
  private Faults edit(Consumer<Edit> change) {
    Edit e = new Edit(this);
    change.accept(e);
    return e.build();
  }

  /** The fields of a {@link Faults}, mutable, for making a changed copy. */
  private static final class Edit {
    final long seed;
    double throttleFraction;
    double serverErrorFraction;
    Duration maxLatency;
    double garbledOutputFraction;
    final Set<String> badBoot;
    final Set<String> neverReturns;
    final Map<String, Integer> prepareFailures;
    final Set<String> blockedDrains;
    Duration extraStopTime;
    final Map<String, Duration> slowBoots;
    boolean rerunInterruptedCommands;

    Edit(Faults f) {
      seed = f.seed;
      throttleFraction = f.throttleFraction;
      serverErrorFraction = f.serverErrorFraction;
      maxLatency = f.maxLatency;
      garbledOutputFraction = f.garbledOutputFraction;
      badBoot = new HashSet<>(f.badBoot);
      neverReturns = new HashSet<>(f.neverReturns);
      prepareFailures = new HashMap<>(f.prepareFailures);
      blockedDrains = new HashSet<>(f.blockedDrains);
      extraStopTime = f.extraStopTime;
      slowBoots = new HashMap<>(f.slowBoots);
      rerunInterruptedCommands = f.rerunInterruptedCommands;
    }

    Faults build() {
      return new Faults(
          seed,
          throttleFraction,
          serverErrorFraction,
          maxLatency,
          garbledOutputFraction,
          badBoot,
          neverReturns,
          prepareFailures,
          blockedDrains,
          extraStopTime,
          slowBoots,
          rerunInterruptedCommands);
    }
  }

  private static void check(double fraction, String name) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + fraction);
    }
  }
}
