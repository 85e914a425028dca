package io.github.bottlerocket.ecsupdater;

/**
 * How a message repeats a value it was given: at most {@value #LIMIT} characters, with the full
 * length when it was cut, and control characters written as escapes, so that one bad value can
 * neither flood a log line nor break it in two. Every error message that echoes input uses this.
 */
public final class Echo {
  /** The most characters of a value a message repeats. */
  public static final int LIMIT = 100;

  private Echo() {}

  /**
   * The value in single quotes, e.g. {@code 'prod'}, or {@code 'aaaa...' (6291456 characters)} when
   * it is longer than {@value #LIMIT} characters (control characters count as the escapes they are
   * written as).
   */
  public static String quote(String value) {
    if (value == null) {
      return "nothing";
    }
    Cut c = cutAt(value);
    return c.whole()
        ? "'" + c.text() + "'"
        : "'" + c.text() + "...' (" + c.length() + " characters)";
  }

  /**
   * The text as it is, e.g. a JSON value, cut like {@link #quote(String)} but without quotes:
   * {@code [1,2,3]}, or {@code [1,2,... (6291456 characters)}.
   */
  public static String cut(String text) {
    if (text == null) {
      return "nothing";
    }
    Cut c = cutAt(text);
    return c.whole() ? c.text() : c.text() + "... (" + c.length() + " characters)";
  }

  private record Cut(String text, boolean whole, int length) {}

  /** The value escaped, up to {@value #LIMIT} characters of output, and its length. */
  private static Cut cutAt(String value) {
    StringBuilder b = new StringBuilder(Math.min(value.length(), LIMIT) + 8);
    int i = 0;
    while (i < value.length()) {
      String next = escaped(value, i);
      if (b.length() + next.length() > LIMIT) {
        return new Cut(b.toString(), false, value.codePointCount(0, value.length()));
      }
      b.append(next);
      i +=
          Character.isSurrogatePair(
                  value.charAt(i), i + 1 < value.length() ? value.charAt(i + 1) : 0)
              ? 2
              : 1;
    }
    return new Cut(b.toString(), true, value.codePointCount(0, value.length()));
  }

  /** The character (or surrogate pair) at {@code i}, written so that it cannot break a line. */
  private static String escaped(String value, int i) {
    char c = value.charAt(i);
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> {
        if (Character.isHighSurrogate(c) && pairedAt(value, i)) {
          yield value.substring(i, i + 2);
        }
        if (Character.isISOControl(c) || Character.isSurrogate(c)) {
          yield String.format("\\u%04x", (int) c);
        }
        yield String.valueOf(c);
      }
    };
  }

  /** Whether the surrogate at {@code i} is half of a well-formed pair. */
  private static boolean pairedAt(String value, int i) {
    char c = value.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
  }
}
