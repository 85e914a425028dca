package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
    return new Faults(
        seed,
        fraction,
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

  public Faults withServerErrors(double fraction) {
    return new Faults(
        seed,
        throttleFraction,
        fraction,
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

  public Faults withLatency(Duration max) {
    return new Faults(
        seed,
        throttleFraction,
        serverErrorFraction,
        max,
        garbledOutputFraction,
        badBoot,
        neverReturns,
        prepareFailures,
        blockedDrains,
        extraStopTime,
        slowBoots,
        rerunInterruptedCommands);
  }

  public Faults withGarbledOutput(double fraction) {
    return new Faults(
        seed,
        throttleFraction,
        serverErrorFraction,
        maxLatency,
        fraction,
        badBoot,
        neverReturns,
        prepareFailures,
        blockedDrains,
        extraStopTime,
        slowBoots,
        rerunInterruptedCommands);
  }

  public Faults withBadBoot(String host) {
    return new Faults(
        seed,
        throttleFraction,
        serverErrorFraction,
        maxLatency,
        garbledOutputFraction,
        plus(badBoot, host),
        neverReturns,
        prepareFailures,
        blockedDrains,
        extraStopTime,
        slowBoots,
        rerunInterruptedCommands);
  }

  public Faults withNeverReturns(String host) {
    return new Faults(
        seed,
        throttleFraction,
        serverErrorFraction,
        maxLatency,
        garbledOutputFraction,
        badBoot,
        plus(neverReturns, host),
        prepareFailures,
        blockedDrains,
        extraStopTime,
        slowBoots,
        rerunInterruptedCommands);
  }

  public Faults withPrepareFailures(String host, int count) {
    Map<String, Integer> m = new HashMap<>(prepareFailures);
    m.put(host, count);
    return new Faults(
        seed,
        throttleFraction,
        serverErrorFraction,
        maxLatency,
        garbledOutputFraction,
        badBoot,
        neverReturns,
        m,
        blockedDrains,
        extraStopTime,
        slowBoots,
        rerunInterruptedCommands);
  }

  public Faults withBlockedDrain(String host) {
    return new Faults(
        seed,
        throttleFraction,
        serverErrorFraction,
        maxLatency,
        garbledOutputFraction,
        badBoot,
        neverReturns,
        prepareFailures,
        plus(blockedDrains, host),
        extraStopTime,
        slowBoots,
        rerunInterruptedCommands);
  }

  public Faults withExtraStopTime(Duration d) {
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
        d,
        slowBoots,
        rerunInterruptedCommands);
  }

  public Faults withSlowBoot(String host, Duration extra) {
    Map<String, Duration> m = new HashMap<>(slowBoots);
    m.put(host, extra);
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
        m,
        rerunInterruptedCommands);
  }

  public Faults withInterruptedCommandsRunAgain() {
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
        true);
  }

  private static Set<String> plus(Set<String> set, String item) {
    Set<String> s = new HashSet<>(set);
    s.add(item);
    return s;
  }

  private static void check(double fraction, String name) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + fraction);
    }
  }
}
