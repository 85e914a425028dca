package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * SSM Change Calendars, defined by scenarios: each is open or closed by default, with events in
 * which it is the other way. Read by the updater through {@code GetCalendarState}. Guarded by the
 * cluster.
 */
public final class Calendars {
  /** A calendar's state, with SSM's names. */
  public enum State {
    OPEN,
    CLOSED;

    State other() {
      return this == OPEN ? CLOSED : OPEN;
    }
  }

  /** An event of a calendar: from {@code from} (inclusive) to {@code until} (exclusive). */
  public record Event(Instant from, Instant until) {
    public Event {
      if (!until.isAfter(from)) {
        throw new IllegalArgumentException("an event ends after it starts: " + from + " " + until);
      }
    }
  }

  private record Calendar(State byDefault, List<Event> events) {}

  private final SimulatedCluster cluster;
  private final Map<String, Calendar> calendars = new TreeMap<>();

  Calendars(SimulatedCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Creates a calendar that is {@code byDefault} outside its events (DEFAULT_OPEN or ..._CLOSED).
   */
  public void define(String name, State byDefault) {
    synchronized (cluster) {
      calendars.put(name, new Calendar(byDefault, new ArrayList<>()));
    }
  }

  /** Adds an event in which the calendar is the opposite of its default. */
  public void addEvent(String name, Instant from, Instant until) {
    synchronized (cluster) {
      Calendar c = calendars.get(name);
      if (c == null) {
        throw new IllegalArgumentException("no calendar named " + name);
      }
      c.events().add(new Event(from, until));
      c.events().sort(Comparator.comparing(Event::from));
    }
  }

  boolean exists(String name) {
    return calendars.containsKey(name);
  }

  /** The state of calendar {@code name} at {@code at}. */
  public State state(String name, Instant at) {
    synchronized (cluster) {
      Calendar c = calendars.get(name);
      boolean inEvent =
          c.events().stream().anyMatch(e -> !at.isBefore(e.from()) && at.isBefore(e.until()));
      return inEvent ? c.byDefault().other() : c.byDefault();
    }
  }

  /** The combined state of {@code names}: CLOSED when any of them is. */
  State combined(List<String> names, Instant at) {
    return names.stream().anyMatch(n -> state(n, at) == State.CLOSED) ? State.CLOSED : State.OPEN;
  }

  /** The first instant after {@code at} when the combined state of {@code names} changes. */
  Optional<Instant> nextTransition(List<String> names, Instant at) {
    State now = combined(names, at);
    List<Instant> edges = new ArrayList<>();
    for (String n : names) {
      for (Event e : calendars.get(n).events()) {
        edges.add(e.from());
        edges.add(e.until());
      }
    }
    return edges.stream()
        .filter(t -> t.isAfter(at))
        .sorted()
        .filter(t -> combined(names, t) != now)
        .findFirst();
  }
}
