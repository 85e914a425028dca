package io.github.bottlerocket.ecsupdater.host;

import java.util.Locale;
import java.util.Optional;

/** Bottlerocket's update state, as {@code thar-be-updates} reports it. */
public enum UpdateState {
  /** Nothing chosen: no update, not yet this host's wave, or a version lock on the running one. */
  IDLE,
  /** An update is chosen for this host and can be prepared. */
  AVAILABLE,
  /** The chosen update is written to the inactive partition but will not boot next. */
  STAGED,
  /** The staged update will boot at the next reboot. */
  READY;

  /** Parses the value of {@code update_state}, e.g. {@code "Available"}. */
  public static Optional<UpdateState> fromWire(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
