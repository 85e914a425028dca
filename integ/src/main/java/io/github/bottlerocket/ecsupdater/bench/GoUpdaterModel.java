package io.github.bottlerocket.ecsupdater.bench;

import io.github.bottlerocket.ecsupdater.sim.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of the timeline of the Go bottlerocket-ecs-updater (v0.2.x) over the same host timings:
 * not a port of its code, but its steps and fixed waits, one instance after another.
 *
 * <ol>
 *   <li>one update check of every host, its reply collected by a waiter polling every 15 s;
 *   <li>per host: set DRAINING; wait for its tasks with the TasksStopped waiter (first poll at
 *       once, then every 15 s); check again; run {@code apiclient update apply} (download and
 *       activate while drained) and wait for it (15 s polls); send the reboot without waiting;
 *       sleep 15 s; wait for EC2 status ok; set ACTIVE; sleep 20 s; check the version (15 s polls),
 *       then the next host.
 * </ol>
 *
 * <p>The EC2 status-ok waiter is assumed to answer ok at its first poll: an OS reboot that EC2's
 * status checks do not notice. This is the assumption most favourable to the Go updater's time out
 * of service; it also means it sets the host ACTIVE before its ECS agent is back, so the host
 * counts as out of service until the agent reconnects (it cannot take tasks before that).
 */
final class GoUpdaterModel {
  /** The delay of the Go updater's waiters (TasksStopped, SSM command executed, EC2 status). */
  static final Duration WAITER_POLL = Duration.ofSeconds(15);

  /** The fixed sleep after sending the reboot. */
  static final Duration SLEEP_AFTER_REBOOT = Duration.ofSeconds(15);

  /** The fixed sleep between setting the host ACTIVE and checking its version. */
  static final Duration SLEEP_BEFORE_VERIFY = Duration.ofSeconds(20);

  /** One host's stretch out of service, from the start of the rollout. */
  record Stretch(Duration drained, Duration inServiceAgain) {
    Duration length() {
      return inServiceAgain.minus(drained);
    }
  }

  /** The whole rollout. */
  record Result(List<Stretch> stretches, Duration makespan) {}

  private GoUpdaterModel() {}

  /**
   * The timeline of updating {@code instances} hosts whose service tasks take {@code drain} to move
   * off, with the hosts and SSM of {@code timing}.
   */
  static Result rollout(int instances, Duration drain, Timing timing) {
    Duration ssm = timing.ssmDelivery().plus(timing.ssmExecution());
    Duration reboot = timing.shutdown().plus(timing.boot()).plus(timing.agentReconnect());
    List<Stretch> stretches = new ArrayList<>();
    Duration t = waited(ssm); // the first check of every host
    Duration end = t;
    for (int i = 0; i < instances; i++) {
      Duration drained = t;
      Duration tasksGone = drained.plus(waited(drain));
      Duration checked = tasksGone.plus(waited(ssm));
      Duration applied =
          checked.plus(waited(ssm.plus(timing.download()).plus(timing.activation())));
      Duration agentBack = applied.plus(timing.ssmDelivery()).plus(reboot);
      Duration active = applied.plus(SLEEP_AFTER_REBOOT); // status ok at the first poll
      Duration inService = max(active, agentBack);
      stretches.add(new Stretch(drained, inService));
      // The version check waits for the host to run again (SSM holds the command until then).
      Duration verifySent = active.plus(SLEEP_BEFORE_VERIFY);
      Duration hostRuns =
          applied.plus(timing.ssmDelivery()).plus(timing.shutdown()).plus(timing.boot());
      Duration verifyDone = max(verifySent.plus(ssm), hostRuns.plus(timing.ssmExecution()));
      t = verifySent.plus(waited(verifyDone.minus(verifySent)));
      end = max(end, inService);
    }
    return new Result(stretches, end);
  }

  /** When a waiter that polls at once and then every 15 s sees something that takes {@code d}. */
  static Duration waited(Duration d) {
    if (!d.isPositive()) {
      return Duration.ZERO;
    }
    long polls = (d.toMillis() + WAITER_POLL.toMillis() - 1) / WAITER_POLL.toMillis();
    return WAITER_POLL.multipliedBy(polls);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
