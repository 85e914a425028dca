package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.engine.GateFacts;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import java.util.Optional;

/**
 * CHANGE_CALENDARS: new downloads and drains start only while every SSM Change Calendar named is
 * OPEN. A calendar that cannot be read holds them as a closed one does.
 */
final class CalendarGate {
  private CalendarGate() {}

  static Optional<Hold> check(Observation o) {
    GateSettings g = o.settings().gates();
    if (!g.followsCalendars()) {
      return Optional.empty();
    }
    String names = String.join(", ", g.changeCalendars());
    return switch (o.gates().calendars().orElse(null)) {
      case null ->
          Optional.of(
              Hold.of(
                  Reason.CALENDAR_CLOSED, "the change calendars (" + names + ") were not read"));
      case GateFacts.Read.Unreadable<CalendarState> u ->
          Optional.of(
              Hold.of(
                  Reason.CALENDAR_CLOSED,
                  "CHANGE_CALENDARS (" + names + ") cannot be read: " + u.why()));
      case GateFacts.Read.Known<CalendarState> k when k.value().open() -> Optional.empty();
      case GateFacts.Read.Known<CalendarState> k ->
          Optional.of(
              new Hold(
                  Reason.CALENDAR_CLOSED,
                  "change calendar"
                      + (g.changeCalendars().size() > 1 ? "s " : " ")
                      + names
                      + (g.changeCalendars().size() > 1 ? ": at least one is CLOSED" : " is CLOSED")
                      + k.value().nextTransition().map(t -> "; opens at " + t).orElse(""),
                  k.value().nextTransition()));
    };
  }

  /** The gate's line in the report. */
  static String describe(Observation o) {
    return switch (o.gates().calendars().orElse(null)) {
      case null -> "not read in this pass";
      case GateFacts.Read.Unreadable<CalendarState> u -> "cannot be read: " + u.why();
      case GateFacts.Read.Known<CalendarState> k ->
          (k.value().open() ? "OPEN" : "CLOSED")
              + k.value().nextTransition().map(t -> "; changes at " + t).orElse("");
    };
  }
}
