package io.github.bottlerocket.ecsupdater.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A CloudWatch alarm's state, metric or composite.
 *
 * @param name the alarm name
 * @param state its state
 * @param since when it last changed state (StateTransitionedTimestamp, or StateUpdatedTimestamp
 *     where CloudWatch gives no transition time)
 */
public record AlarmState(String name, State state, Instant since) {

  /** CloudWatch's alarm states. */
  public enum State {
    OK,
    ALARM,
    INSUFFICIENT_DATA;

    /** Reads CloudWatch's name of a state; anything unknown reads as INSUFFICIENT_DATA. */
    public static State fromWire(String value) {
      for (State s : values()) {
        if (s.name().equals(value)) {
          return s;
        }
      }
      return INSUFFICIENT_DATA;
    }
  }

  public AlarmState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
  }
}
