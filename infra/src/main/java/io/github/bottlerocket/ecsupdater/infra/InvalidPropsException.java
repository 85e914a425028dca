package io.github.bottlerocket.ecsupdater.infra;

import java.util.List;

/**
 * The props of a {@link BottlerocketEcsUpdater} cannot work. Thrown before any resource is created;
 * each problem names the prop, what is wrong and what to do instead.
 */
public final class InvalidPropsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  InvalidPropsException(List<String> problems) {
    super(
        problems.size() == 1
            ? "Invalid BottlerocketEcsUpdater props: " + problems.get(0)
            : "Invalid BottlerocketEcsUpdater props:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem on its own, starting with the prop's name. */
  public List<String> problems() {
    return problems;
  }
}
