package io.github.bottlerocket.ecsupdater.model;

import java.util.Optional;

/**
 * The combined state of SSM Change Calendars, as GetCalendarState reports it: OPEN only while every
 * calendar asked about is open.
 *
 * @param open whether every calendar is open
 * @param nextTransition when the combined state next changes, if the calendars say
 */
public record CalendarState(boolean open, Optional<java.time.Instant> nextTransition) {}
