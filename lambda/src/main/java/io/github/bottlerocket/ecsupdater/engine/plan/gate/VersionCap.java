package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.config.Version;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import java.util.Optional;

/** MAX_VERSION: no host takes a version above it. */
final class VersionCap {
  private VersionCap() {}

  static Optional<Hold> check(GateSettings g, String target) {
    if (g.maxVersion().isEmpty()) {
      return Optional.empty();
    }
    Version cap = g.maxVersion().get();
    Optional<Version> v = Version.parse(target);
    if (v.isEmpty()) {
      return Optional.of(
          Hold.of(
              Reason.VERSION_ABOVE_MAX,
              "the version offered, '" + target + "', cannot be compared with MAX_VERSION " + cap));
    }
    if (v.get().isAfter(cap)) {
      return Optional.of(
          Hold.of(
              Reason.VERSION_ABOVE_MAX,
              target
                  + " is above MAX_VERSION "
                  + cap
                  + "; Bottlerocket offers only its newest release, so the host waits until"
                  + " MAX_VERSION is raised"));
    }
    return Optional.empty();
  }
}
