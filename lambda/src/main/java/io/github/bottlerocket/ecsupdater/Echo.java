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
   * it is longer than {@value #LIMIT} characters.
   */
  public static String quote(String value) {
    if (value == null) {
      return "nothing";
    }
    int length = value.codePointCount(0, value.length());
    if (length <= LIMIT) {
      return "'" + escape(value) + "'";
    }
    return "'" + escape(head(value)) + "...' (" + length + " characters)";
  }

  /**
   * The text as it is, e.g. a JSON value, cut like {@link #quote(String)} but without quotes:
   * {@code [1,2,3]}, or {@code [1,2,... (6291456 characters)}.
   */
  public static String cut(String text) {
    if (text == null) {
      return "nothing";
    }
    int length = text.codePointCount(0, text.length());
    if (length <= LIMIT) {
      return escape(text);
    }
    return escape(head(text)) + "... (" + length + " characters)";
  }

  private static String head(String value) {
    return value.substring(0, value.offsetByCodePoints(0, LIMIT));
  }

  private static String escape(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c) || (Character.isSurrogate(c) && !pairedAt(value, i))) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
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
