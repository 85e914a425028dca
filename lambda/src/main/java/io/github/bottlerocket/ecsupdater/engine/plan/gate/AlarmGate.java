package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.engine.GateFacts;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.model.AlarmState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * ALARM_NAMES and ALARM_PREFIX: no new download or drain while one of the alarms is in ALARM, or in
 * INSUFFICIENT_DATA unless ALARM_INSUFFICIENT_DATA is {@code ok}. An alarm that does not exist, a
 * prefix that matches none and alarms that cannot be read hold as well.
 */
final class AlarmGate {
  /** How many alarms a line names before it counts the rest. */
  private static final int NAMED = 3;

  private AlarmGate() {}

  static Optional<Hold> check(Observation o) {
    GateSettings g = o.settings().gates();
    if (!g.watchesAlarms()) {
      return Optional.empty();
    }
    return switch (o.gates().alarms().orElse(null)) {
      case null -> Optional.of(Hold.of(Reason.ALARM_NOT_OK, "the alarms were not read"));
      case GateFacts.Read.Unreadable<GateFacts.Alarms> u ->
          Optional.of(Hold.of(Reason.ALARM_NOT_OK, "the alarms cannot be read: " + u.why()));
      case GateFacts.Read.Known<GateFacts.Alarms> k -> known(g, k.value());
    };
  }

  private static Optional<Hold> known(GateSettings g, GateFacts.Alarms a) {
    if (!a.missing().isEmpty()) {
      return Optional.of(
          Hold.of(
              Reason.ALARM_NOT_OK,
              "ALARM_NAMES names alarm(s) that do not exist: "
                  + String.join(", ", a.missing())
                  + "; create them, or remove them from ALARM_NAMES"));
    }
    if (a.prefixMatchedNone()) {
      return Optional.of(
          Hold.of(
              Reason.ALARM_NOT_OK,
              "no alarm's name starts with ALARM_PREFIX '"
                  + g.alarmPrefix().orElse("")
                  + "'; create one, or change ALARM_PREFIX"));
    }
    List<AlarmState> notOk = notOk(g, a);
    if (notOk.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Hold.of(
            Reason.ALARM_NOT_OK,
            named(notOk)
                + (g.insufficientDataHolds()
                        && notOk.stream()
                            .anyMatch(s -> s.state() == AlarmState.State.INSUFFICIENT_DATA)
                    ? " (ALARM_INSUFFICIENT_DATA=hold; set it to ok to let alarms without data"
                        + " through)"
                    : "")));
  }

  /** The watched alarms that hold new starts. */
  static List<AlarmState> notOk(GateSettings g, GateFacts.Alarms a) {
    return a.states().stream()
        .filter(
            s ->
                s.state() == AlarmState.State.ALARM
                    || (s.state() == AlarmState.State.INSUFFICIENT_DATA
                        && g.insufficientDataHolds()))
        .toList();
  }

  /**
   * The latest time after {@code after} at which a watched alarm changed state, as far as read: a
   * bake counts from there, as the alarms were not OK the whole time.
   */
  static Optional<Instant> lastChangeAfter(Observation o, Instant after) {
    if (!(o.gates().alarms().orElse(null) instanceof GateFacts.Read.Known<GateFacts.Alarms> k)) {
      return Optional.empty();
    }
    return k.value().states().stream()
        .map(AlarmState::since)
        .filter(t -> t.isAfter(after))
        .max(Instant::compareTo);
  }

  private static String named(List<AlarmState> alarms) {
    StringBuilder b = new StringBuilder();
    for (AlarmState s : alarms.subList(0, Math.min(NAMED, alarms.size()))) {
      b.append(b.isEmpty() ? "" : ", ")
          .append(s.name())
          .append(" in ")
          .append(s.state())
          .append(" since ")
          .append(s.since());
    }
    if (alarms.size() > NAMED) {
      b.append(" and ").append(alarms.size() - NAMED).append(" more");
    }
    return b.toString();
  }

  /** The gate's line in the report. */
  static String describe(Observation o) {
    GateSettings g = o.settings().gates();
    return switch (o.gates().alarms().orElse(null)) {
      case null -> "not read in this pass";
      case GateFacts.Read.Unreadable<GateFacts.Alarms> u -> "cannot be read: " + u.why();
      case GateFacts.Read.Known<GateFacts.Alarms> k -> {
        List<AlarmState> notOk = notOk(g, k.value());
        yield k.value().states().size()
            + " alarm(s) read"
            + (notOk.isEmpty() ? ", none holds" : "; " + named(notOk))
            + (k.value().missing().isEmpty()
                ? ""
                : "; missing: " + String.join(", ", k.value().missing()));
      }
    };
  }
}
