package io.github.bottlerocket.ecsupdater.config;

import io.github.bottlerocket.ecsupdater.Echo;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * When new updates may start. Work already under way always finishes.
 *
 * <p>Written as one or more {@code <days> <HH:MM>-<HH:MM>} entries separated by {@code ;}, for
 * example {@code Sat,Sun 02:00-06:00} or {@code Mon-Fri 22:00-04:00; Sat 00:00-24:00}. Days are
 * {@code daily}, {@code weekdays}, {@code weekends}, a day ({@code Mon}), a range ({@code Mon-Fri})
 * or a comma list. An end before the start crosses midnight; the days name the day the window
 * opens. An empty text means always open.
 */
public final class MaintenanceWindow {

  /** The accepted form, for error messages. */
  public static final String FORM =
      "'<days> <HH:MM>-<HH:MM>' entries separated by ';', e.g. 'Sat,Sun 02:00-06:00' or"
          + " 'Mon-Fri 22:00-04:00' (days: daily, weekdays, weekends, Mon..Sun, Mon-Fri, Sat,Sun),"
          + " or empty for always";

  private static final Pattern ENTRY =
      Pattern.compile(
          "(?<days>[A-Za-z,\\- ]+?)\\s+(?<from>\\d{1,2}:\\d{2})\\s*-\\s*(?<to>\\d{1,2}:\\d{2})");

  private record Entry(Set<DayOfWeek> days, int fromMinute, int toMinute) {
    boolean crossesMidnight() {
      return toMinute <= fromMinute;
    }
  }

  private final List<Entry> entries;
  private final ZoneId zone;
  private final String text;

  private MaintenanceWindow(List<Entry> entries, ZoneId zone, String text) {
    this.entries = List.copyOf(entries);
    this.zone = zone;
    this.text = text;
  }

  /** A window that is always open. */
  public static MaintenanceWindow always() {
    return new MaintenanceWindow(List.of(), ZoneId.of("UTC"), "");
  }

  /**
   * Parses a window.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static MaintenanceWindow parse(String text, ZoneId zone) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("always")) {
      return new MaintenanceWindow(List.of(), zone, "");
    }
    List<Entry> entries = new ArrayList<>();
    for (String part : trimmed.split(";")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      Matcher m = ENTRY.matcher(p);
      if (!m.matches()) {
        throw new IllegalArgumentException("cannot read " + Echo.quote(p));
      }
      int from = minuteOfDay(m.group("from"), false);
      int to = minuteOfDay(m.group("to"), true);
      if (from == to) {
        throw new IllegalArgumentException(Echo.quote(p) + " opens and closes at the same time");
      }
      Set<DayOfWeek> days = days(m.group("days").strip());
      if (days.isEmpty()) {
        throw new IllegalArgumentException(Echo.quote(p) + " names no day");
      }
      entries.add(new Entry(days, from, to == 24 * 60 ? 0 : to));
    }
    if (entries.isEmpty()) {
      // Only separators: an empty window would mean "always", which is not what was written.
      throw new IllegalArgumentException("there is no entry between the ';' separators");
    }
    return new MaintenanceWindow(entries, zone, trimmed);
  }

  /** Whether the window is always open. */
  public boolean isAlways() {
    return entries.isEmpty();
  }

  /** Whether new updates may start at {@code now}. */
  public boolean isOpen(Instant now) {
    if (entries.isEmpty()) {
      return true;
    }
    ZonedDateTime t = now.atZone(zone);
    int minute = t.getHour() * 60 + t.getMinute();
    DayOfWeek today = t.getDayOfWeek();
    DayOfWeek yesterday = today.minus(1);
    for (Entry e : entries) {
      if (e.crossesMidnight()) {
        if (e.days.contains(today) && minute >= e.fromMinute) {
          return true;
        }
        if (e.days.contains(yesterday) && minute < e.toMinute) {
          return true;
        }
      } else if (e.days.contains(today) && minute >= e.fromMinute && minute < e.toMinute) {
        return true;
      }
    }
    return false;
  }

  /** The next time the window opens after {@code now}, if it is closed; empty if open or always. */
  public Optional<Instant> nextOpening(Instant now) {
    if (isOpen(now)) {
      return Optional.empty();
    }
    ZonedDateTime start = now.atZone(zone).withSecond(0).withNano(0);
    for (int i = 1; i <= 8 * 24 * 60; i++) {
      ZonedDateTime t = start.plusMinutes(i);
      if (isOpen(t.toInstant())) {
        return Optional.of(t.toInstant());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text.isEmpty() ? "always" : text + " (" + zone + ")";
  }

  private static int minuteOfDay(String hhmm, boolean endOfDayAllowed) {
    String[] parts = hhmm.split(":");
    int h = Integer.parseInt(parts[0]);
    int m = Integer.parseInt(parts[1]);
    if (h == 24 && m == 0 && endOfDayAllowed) {
      return 24 * 60;
    }
    if (h > 23 || m > 59) {
      throw new IllegalArgumentException(Echo.quote(hhmm) + " is not a time of day");
    }
    return h * 60 + m;
  }

  private static Set<DayOfWeek> days(String text) {
    String t = text.toLowerCase(Locale.ROOT).replace(" ", "");
    switch (t) {
      case "daily", "everyday", "*":
        return EnumSet.allOf(DayOfWeek.class);
      case "weekdays":
        return EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
      case "weekends":
        return EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
      default:
        break;
    }
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (String item : t.split(",")) {
      if (item.contains("-")) {
        String[] range = item.split("-", 2);
        DayOfWeek a = day(range[0]);
        DayOfWeek b = day(range[1]);
        for (DayOfWeek d = a; ; d = d.plus(1)) {
          out.add(d);
          if (d == b) {
            break;
          }
        }
      } else {
        out.add(day(item));
      }
    }
    return out;
  }

  private static DayOfWeek day(String text) {
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.getDisplayName(TextStyle.FULL, Locale.ENGLISH).toLowerCase(Locale.ROOT);
      if (text.length() >= 3 && full.startsWith(text)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        Echo.quote(text)
            + " is not a day (use "
            + EnumSet.allOf(DayOfWeek.class).stream()
                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                .collect(Collectors.joining(", "))
            + ")");
  }
}
