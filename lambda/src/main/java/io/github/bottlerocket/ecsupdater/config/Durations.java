package io.github.bottlerocket.ecsupdater.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations the way operators write them: {@code 500ms}, {@code 30s}, {@code
 * 15m}, {@code 2h}, {@code 1d}, or ISO-8601 such as {@code PT15M}.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /** The accepted forms, for error messages. */
  public static final String FORMS =
      "a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M)";

  /**
   * The longest duration read at all, far above every setting's own bound: whatever is parsed can
   * be added to any time of this era and turned into milliseconds or nanoseconds without overflow.
   */
  public static final Duration LONGEST = Duration.ofDays(100 * 365);

  private Durations() {}

  /** A duration written correctly but longer than {@link #LONGEST}, or too long for a number. */
  public static final class TooLongException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooLongException() {
      super("longer than " + format(LONGEST));
    }
  }

  /**
   * Parses {@code text}.
   *
   * @throws TooLongException if it is a duration longer than {@link #LONGEST}
   * @throws IllegalArgumentException if it is neither form
   */
  public static Duration parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    Duration d;
    if (m.matches()) {
      d = simple(m.group(1), m.group(2));
    } else {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // The JDK reports a number that does not fit as a parse error caused by the overflow.
        if (e.getCause() instanceof ArithmeticException
            || e.getCause() instanceof NumberFormatException) {
          throw new TooLongException();
        }
        throw new IllegalArgumentException("not a duration", e);
      }
    }
    if (d.compareTo(LONGEST) > 0) {
      throw new TooLongException();
    }
    return d;
  }

  private static Duration simple(String digits, String unit) {
    String n = digits.replaceFirst("^0+(?=.)", "");
    if (n.length() > 18) {
      throw new TooLongException();
    }
    long v = Long.parseLong(n);
    try {
      return switch (unit) {
        case "ms" -> Duration.ofMillis(v);
        case "s" -> Duration.ofSeconds(v);
        case "m" -> Duration.ofMinutes(v);
        case "h" -> Duration.ofHours(v);
        case "d" -> Duration.ofDays(v);
        default -> throw new IllegalArgumentException("unknown unit");
      };
    } catch (ArithmeticException e) {
      throw new TooLongException();
    }
  }

  /** Prints a duration compactly, e.g. {@code 15m}, {@code 1h30m}, {@code 250ms}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.isZero()) {
      return "0s";
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder sb = new StringBuilder();
    long days = d.toDays();
    if (days > 0) {
      sb.append(days).append('d');
    }
    if (d.toHoursPart() > 0) {
      sb.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      sb.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || sb.isEmpty()) {
      sb.append(d.toSecondsPart()).append('s');
    }
    return sb.toString();
  }
}
