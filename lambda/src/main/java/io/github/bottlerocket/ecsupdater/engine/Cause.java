package io.github.bottlerocket.ecsupdater.engine;

/**
 * Why an instance stands where it does: a {@link Reason} it was skipped or waits for, or the {@link
 * FailureReason} of a failed update. Reports, logs and events carry the constant's name.
 */
public sealed interface Cause permits Reason, FailureReason {

  /** The constant's name, as reports and the README spell it. */
  String name();

  /** A sentence for reports and the README. */
  String explanation();
}
