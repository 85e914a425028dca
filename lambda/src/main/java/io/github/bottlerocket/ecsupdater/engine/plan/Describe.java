package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;

/** Sentences about host replies, shared by the rules. */
final class Describe {
  private Describe() {}

  static String error(HostError e) {
    return e.kind()
        + (e.httpStatus().isPresent() ? " (" + e.httpStatus().getAsInt() + ")" : "")
        + ": "
        + e.detail();
  }

  /** "the host reports STAGED with 1.20.1 staged, expected 1.20.2". */
  static String unexpected(UpdateStatus now, String target) {
    return "the host reports "
        + now.state()
        + " with "
        + now.stagedVersion().orElse("no image")
        + " staged, expected "
        + target;
  }
}
