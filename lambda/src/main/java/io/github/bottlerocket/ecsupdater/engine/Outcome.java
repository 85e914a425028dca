package io.github.bottlerocket.ecsupdater.engine;

/** Where an instance stands at the end of a pass, as reported. */
public enum Outcome {
  /** The update completed in this pass. */
  UPDATED,
  /** An update is under way; the next pass continues it. */
  IN_PROGRESS,
  /** An update is wanted but blocked for now (see the reason). */
  WAITING,
  /** The host reports no update for it. */
  UP_TO_DATE,
  /** Not checked in this pass (the check interval has not passed, or starts are blocked). */
  NOT_CHECKED,
  /** Left alone (see the reason). */
  SKIPPED,
  /** The update failed; the instance carries the failure record. */
  FAILED
}
