package io.github.bottlerocket.ecsupdater.infra;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads EventBridge schedule expressions ({@code rate(15 minutes)}, {@code cron(0 2 * * ? *)}) far
 * enough to tell how close together two ticks can be.
 */
final class ScheduleExpressions {
  private static final Pattern RATE =
      Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");
  private static final Pattern CRON = Pattern.compile("cron\\(\\s*(\\S+)\\s+\\S+.*\\)");
  private static final Pattern STEP = Pattern.compile("(\\*|\\d{1,2})/(\\d{1,2})");
  private static final Pattern RANGE = Pattern.compile("(\\d{1,2})-(\\d{1,2})");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,2}");

  private ScheduleExpressions() {}

  /** The interval of a {@code rate(...)} expression; empty for anything else. */
  static Optional<Duration> rate(String expression) {
    Matcher m = RATE.matcher(expression.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "minute", "minutes" -> Duration.ofMinutes(n);
          case "hour", "hours" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }

  /**
   * The least time between two ticks, as far as it can be read: the interval of a rate, or for a
   * cron expression the smallest gap between the minutes it fires at (hours and days only spread
   * ticks further apart). Empty when the expression cannot be read.
   */
  static Optional<Duration> shortestGap(String expression) {
    Optional<Duration> rate = rate(expression);
    if (rate.isPresent()) {
      return rate;
    }
    Matcher m = CRON.matcher(expression.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    TreeSet<Integer> minutes = new TreeSet<>();
    for (String part : m.group(1).split(",")) {
      if (!addMinutes(part, minutes)) {
        return Optional.empty();
      }
    }
    if (minutes.isEmpty()) {
      return Optional.empty();
    }
    // The gap across the hour boundary counts too: the hour field may allow consecutive hours.
    int smallest = 60 - minutes.last() + minutes.first();
    Integer previous = null;
    for (int minute : minutes) {
      if (previous != null) {
        smallest = Math.min(smallest, minute - previous);
      }
      previous = minute;
    }
    return Optional.of(Duration.ofMinutes(smallest));
  }

  private static boolean addMinutes(String part, TreeSet<Integer> minutes) {
    if (part.equals("*")) {
      for (int i = 0; i < 60; i++) {
        minutes.add(i);
      }
      return true;
    }
    Matcher step = STEP.matcher(part);
    if (step.matches()) {
      int start = step.group(1).equals("*") ? 0 : Integer.parseInt(step.group(1));
      int by = Integer.parseInt(step.group(2));
      if (by == 0 || start > 59) {
        return false;
      }
      for (int i = start; i < 60; i += by) {
        minutes.add(i);
      }
      return true;
    }
    Matcher range = RANGE.matcher(part);
    if (range.matches()) {
      int from = Integer.parseInt(range.group(1));
      int to = Integer.parseInt(range.group(2));
      if (from > to || to > 59) {
        return false;
      }
      for (int i = from; i <= to; i++) {
        minutes.add(i);
      }
      return true;
    }
    if (NUMBER.matcher(part).matches() && Integer.parseInt(part) <= 59) {
      minutes.add(Integer.parseInt(part));
      return true;
    }
    return false;
  }
}
