package io.github.bottlerocket.ecsupdater.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.sim.EventFeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Lambda's asynchronous invocations of the function as the stack deploys it: reserved concurrency
 * 1, no retry of a failed pass, events kept at most {@code MAX_EVENT_AGE} (5 minutes). An
 * invocation that arrives while a pass runs is throttled and attempted again after 1 s, then after
 * intervals that double up to 5 minutes (Lambda's documented back-off for throttled asynchronous
 * invocations), until one attempt finds no pass running or the event is too old and dropped. So
 * passes never overlap, here as in the deployed stack.
 *
 * <p>Both of the stack's rules feed it: the schedule's ticks and, when the ECS event rule is on,
 * the ECS container-instance events its pattern matches (a DRAINING instance that carries the
 * updater's state attribute). SSM's events reach no rule of the stack and are not delivered.
 */
final class AsyncInvocations {
  static final Duration MAX_EVENT_AGE = Duration.ofMinutes(5);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One invocation waiting for its turn. */
  record Waiting(String payload, Instant arrived, boolean event) {}

  /** The invocation attempted next and when. */
  record Attempt(Waiting invocation, Instant at) {}

  private final List<Waiting> waiting = new ArrayList<>();
  private final Set<String> draining = new HashSet<>();
  private int dropped;
  private int eventsDelivered;

  /** A schedule tick at {@code at}. */
  void tick(String payload, Instant at) {
    waiting.add(new Waiting(payload, at, false));
  }

  /**
   * An event from the simulated services; kept if the stack's ECS event rule is on and matches it.
   * Every ECS event also tells which instances are DRAINING, for {@link #anyDraining()}.
   */
  void event(EventFeed.Event e, String clusterArn, boolean ruleOn) {
    if (!EventFeed.ECS_INSTANCE_CHANGE.equals(e.detailType())) {
      return;
    }
    JsonNode detail = read(e).path("detail");
    String arn = detail.path("containerInstanceArn").asText();
    if ("DRAINING".equals(detail.path("status").asText())) {
      draining.add(arn);
    } else {
      draining.remove(arn);
    }
    if (ruleOn && matchesEcsRule(e, clusterArn)) {
      waiting.add(new Waiting(e.json(), e.at(), true));
    }
  }

  /**
   * Whether an instance was DRAINING at its last event: only then can the cluster emit an event the
   * rule matches without a pass running.
   */
  boolean anyDraining() {
    return !draining.isEmpty();
  }

  /**
   * The invocation Lambda runs next when the function is free from {@code free} on: the earliest
   * attempt at or after it of every waiting invocation. Invocations whose attempts all fall before
   * it, or past their maximum age, are dropped.
   */
  Optional<Attempt> next(Instant free) {
    Attempt best = null;
    for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
      Waiting w = it.next();
      Optional<Instant> at = firstAttempt(w.arrived(), free);
      if (at.isEmpty()) {
        it.remove();
        dropped++;
        continue;
      }
      if (best == null || at.get().isBefore(best.at())) {
        best = new Attempt(w, at.get());
      }
    }
    return Optional.ofNullable(best);
  }

  /** The attempt now runs: it leaves the queue. */
  void started(Attempt a) {
    waiting.remove(a.invocation());
    if (a.invocation().event()) {
      eventsDelivered++;
    }
  }

  /** Invocations dropped at their maximum age without running. */
  int dropped() {
    return dropped;
  }

  /** ECS events that started a pass. */
  int eventsDelivered() {
    return eventsDelivered;
  }

  /** The first attempt at or after {@code free} of an invocation that arrived then, if any. */
  static Optional<Instant> firstAttempt(Instant arrived, Instant free) {
    Instant t = arrived;
    Duration interval = FIRST_RETRY;
    Instant last = arrived.plus(MAX_EVENT_AGE);
    while (t.isBefore(free)) {
      t = t.plus(interval);
      interval = interval.multipliedBy(2);
      if (interval.compareTo(LONGEST_RETRY) > 0) {
        interval = LONGEST_RETRY;
      }
    }
    return t.isAfter(last) ? Optional.empty() : Optional.of(t);
  }

  /**
   * The stack's ECS event rule: the detail type, the cluster, status DRAINING and the updater's
   * state attribute.
   */
  static boolean matchesEcsRule(EventFeed.Event e, String clusterArn) {
    if (!EventFeed.ECS_INSTANCE_CHANGE.equals(e.detailType())) {
      return false;
    }
    JsonNode root = read(e);
    JsonNode detail = root.path("detail");
    if (!"aws.ecs".equals(root.path("source").asText())
        || !clusterArn.equals(detail.path("clusterArn").asText())) {
      return false;
    }
    if (!"DRAINING".equals(detail.path("status").asText())) {
      return false;
    }
    for (JsonNode a : detail.path("attributes")) {
      if (StateAttributes.STATE.equals(a.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode read(EventFeed.Event e) {
    try {
      return JSON.readTree(e.json());
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }
}
