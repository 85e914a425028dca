package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
 * @param throttleWindows spans of virtual time in which every call of one service is throttled
 * @param rateLimits token buckets in virtual time: a call beyond its bucket's rate is throttled
 * @param tableAccess DynamoDB tables the caller's role may not (fully) use
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
    boolean rerunInterruptedCommands,
    List<ThrottleWindow> throttleWindows,
    List<RateLimit> rateLimits,
    Map<String, TableAccess> tableAccess) {

  /**
   * Every call of {@code service} ({@code ecs}, {@code ssm}, {@code cloudwatch}, {@code
   * autoscaling}, {@code dynamodb}, {@code events}) from {@code from} for {@code length} of virtual
   * time is throttled, whatever its rate: a regional throttling event.
   */
  public record ThrottleWindow(String service, Instant from, Duration length) {
    public ThrottleWindow {
      if (length.isNegative() || length.isZero()) {
        throw new IllegalArgumentException("a throttle window needs a positive length: " + length);
      }
    }

    boolean covers(String callService, Instant at) {
      return service.equals(callService) && !at.isBefore(from) && at.isBefore(from.plus(length));
    }
  }

  /**
   * A token bucket shared by {@code operations} ({@code ecs:DescribeTasks}): it holds at most
   * {@code burst} tokens, refills {@code perSecond} a second of virtual time, and each call takes
   * one; a call that finds it empty is throttled, as AWS throttles an account per action.
   */
  public record RateLimit(String name, double perSecond, int burst, Set<String> operations) {
    public RateLimit {
      if (perSecond <= 0 || burst < 1) {
        throw new IllegalArgumentException(
            "a rate limit needs a positive rate and a burst of at least 1: " + name);
      }
      operations = Set.copyOf(operations);
    }
  }

  /** What the caller's role may do with a DynamoDB table. */
  public enum TableAccess {
    /** Reads work; PutItem, UpdateItem and DeleteItem get {@code AccessDeniedException}. */
    READ_ONLY,
    /** Every call on the table gets {@code AccessDeniedException}. */
    NONE
  }

  /**
   * The ECS rate assumed in {@code docs/benchmarks.md} ("Rate limits"): container-instance and task
   * reads share a 50-token bucket refilled at 20 a second.
   */
  public static final RateLimit ECS_INSTANCE_AND_TASK_READS =
      new RateLimit(
          "ecs container-instance and task reads",
          20,
          50,
          Set.of("ecs:DescribeContainerInstances", "ecs:DescribeTasks"));

  public Faults {
    check(throttleFraction, "throttleFraction");
    check(serverErrorFraction, "serverErrorFraction");
    check(garbledOutputFraction, "garbledOutputFraction");
    badBoot = Set.copyOf(badBoot);
    neverReturns = Set.copyOf(neverReturns);
    prepareFailures = Map.copyOf(prepareFailures);
    blockedDrains = Set.copyOf(blockedDrains);
    slowBoots = Map.copyOf(slowBoots);
    throttleWindows = List.copyOf(throttleWindows);
    rateLimits = List.copyOf(rateLimits);
    tableAccess = Map.copyOf(tableAccess);
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
        false,
        List.of(),
        List.of(),
        Map.of());
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

  /** Every call of {@code service} is throttled from {@code from} for {@code length}. */
  public Faults withThrottleWindow(String service, Instant from, Duration length) {
    return edit(e -> e.throttleWindows.add(new ThrottleWindow(service, from, length)));
  }

  /** Calls of {@code operations} beyond {@code perSecond} (bursts up to {@code burst}) throttle. */
  public Faults withRateLimit(RateLimit limit) {
    return edit(e -> e.rateLimits.add(limit));
  }

  /** The caller's role may use the DynamoDB table {@code table} only as {@code access} says. */
  public Faults withTableAccess(String table, TableAccess access) {
    return edit(e -> e.tableAccess.put(table, access));
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
    final List<ThrottleWindow> throttleWindows;
    final List<RateLimit> rateLimits;
    final Map<String, TableAccess> tableAccess;

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
      throttleWindows = new ArrayList<>(f.throttleWindows);
      rateLimits = new ArrayList<>(f.rateLimits);
      tableAccess = new HashMap<>(f.tableAccess);
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
          rerunInterruptedCommands,
          throttleWindows,
          rateLimits,
          tableAccess);
    }
  }

  private static void check(double fraction, String name) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + fraction);
    }
  }
}
