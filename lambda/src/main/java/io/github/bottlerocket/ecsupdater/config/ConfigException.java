package io.github.bottlerocket.ecsupdater.config;

import java.util.List;

/** One or more settings are invalid. The message names each setting and what it accepts. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(
        problems.size() == 1
            ? "Invalid configuration: " + problems.get(0)
            : "Invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem on its own, e.g. {@code MAX_CONCURRENT must be ...}. */
  public List<String> problems() {
    return problems;
  }
}
