package io.github.bottlerocket.ecsupdater.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How operators write yes and no: the {@code PAUSED} setting and the cluster's pause tag read the
 * same words, here and nowhere else.
 */
public final class Flag {
  /** The words for yes, in any case. */
  public static final List<String> YES = List.of("true", "yes", "1", "on");

  /** The words for no, in any case. */
  public static final List<String> NO = List.of("false", "no", "0", "off");

  /** The accepted words, for messages. */
  public static final String WORDS = "true, yes, 1 or on, or false, no, 0 or off";

  private Flag() {}

  /**
   * Reads a yes or a no; spaces around the word and its case do not matter.
   *
   * @return empty when {@code text} is neither
   */
  public static Optional<Boolean> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String word = text.strip().toLowerCase(Locale.ROOT);
    if (YES.contains(word)) {
      return Optional.of(true);
    }
    if (NO.contains(word)) {
      return Optional.of(false);
    }
    return Optional.empty();
  }
}
