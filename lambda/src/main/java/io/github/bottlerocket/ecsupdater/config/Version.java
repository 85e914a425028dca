package io.github.bottlerocket.ecsupdater.config;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Bottlerocket release version, {@code major.minor.patch} as the update API lists them ({@code
 * 1.20.1}, no {@code v}). Versions compare by their numbers, so {@code 1.9.0} comes before {@code
 * 1.10.0}.
 */
public record Version(int major, int minor, int patch) implements Comparable<Version> {
  /** Three numbers separated by dots, with an optional leading {@code v} as in a version lock. */
  private static final Pattern FORM = Pattern.compile("[vV]?(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})");

  /** How a version is written, for messages. */
  public static final String FORM_TEXT =
      "a Bottlerocket version such as 1.20.1 (three numbers separated by dots; a leading v is"
          + " allowed)";

  private static final Comparator<Version> ORDER =
      Comparator.comparingInt(Version::major)
          .thenComparingInt(Version::minor)
          .thenComparingInt(Version::patch);

  public Version {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("version numbers are never negative");
    }
  }

  /** Reads {@code text}; empty when it is not a version of that form. */
  public static Optional<Version> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Version(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3))));
  }

  @Override
  public int compareTo(Version other) {
    return ORDER.compare(this, other);
  }

  public boolean isAfter(Version other) {
    return compareTo(other) > 0;
  }

  /** As the update API writes it: {@code 1.20.1}. */
  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
