package io.github.bottlerocket.ecsupdater.engine;

import java.util.Locale;
import java.util.Optional;

/**
 * What the stack-wide control switch (the CONTROL_PARAMETER) says at one observation.
 *
 * @param state what passes may do
 * @param detail where the state comes from, for the report
 */
public record Control(State state, String detail) {

  /** What passes may do. */
  public enum State {
    /** Normal work. */
    RUN,
    /** Nothing new starts; work under way finishes. */
    PAUSE,
    /** Nothing changes at all; instances stay where they are, drained or not. */
    STOP
  }

  /** No switch is configured. */
  public static final Control NONE = new Control(State.RUN, "");

  /**
   * Reads the parameter's value. Anything but the three words, and a parameter that does not exist,
   * stops: a switch that cannot be read must not let work go on.
   */
  public static Control of(String parameter, Optional<String> value) {
    if (value.isEmpty()) {
      return new Control(
          State.STOP,
          "the control parameter " + parameter + " does not exist; create it with the value run");
    }
    String v = value.get().strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "run" -> new Control(State.RUN, "the control parameter " + parameter + " says run");
      case "pause" ->
          new Control(State.PAUSE, "the control parameter " + parameter + " says pause");
      case "stop" -> new Control(State.STOP, "the control parameter " + parameter + " says stop");
      default ->
          new Control(
              State.STOP,
              "the control parameter "
                  + parameter
                  + " holds '"
                  + (v.length() > 40 ? v.substring(0, 40) + "..." : v)
                  + "', which is not run, pause or stop; stopped until it is one of them");
    };
  }

  /** The parameter could not be read for a reason retrying will not fix. */
  public static Control unreadable(String parameter, String why) {
    return new Control(
        State.STOP, "the control parameter " + parameter + " cannot be read (" + why + ")");
  }
}
