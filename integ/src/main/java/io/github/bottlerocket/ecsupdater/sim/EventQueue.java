package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Things the simulated cluster will do by itself at a virtual instant (a task starting, a host
 * booting, an invocation finishing). Ordered by time, then by when they were scheduled, so a run is
 * repeatable. Guarded by the cluster.
 */
final class EventQueue {

  /** A scheduled action; {@code what} names it in violation messages and traces. */
  record Event(Instant at, long seq, String what, Runnable action) {}

  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(Comparator.comparing(Event::at).thenComparingLong(Event::seq));
  private long seq;

  void at(Instant at, String what, Runnable action) {
    queue.add(new Event(at, seq++, what, action));
  }

  /** The next event due at or before {@code now}, removed from the queue; null if none. */
  Event pollDue(Instant now) {
    Event next = queue.peek();
    if (next == null || next.at().isAfter(now)) {
      return null;
    }
    return queue.poll();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }
}
