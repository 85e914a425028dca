package io.github.bottlerocket.ecsupdater.engine;

/**
 * Hears what a pass does: for logs, metrics, events and the command-line view. A listener must not
 * throw; one that does is logged and ignored so that it can never stop an update half-way.
 */
public interface PassListener {

  default void passStarted(String clusterArn, String runId, boolean dryRun) {}

  default void transition(Transition transition) {}

  /** A step could not be carried out; the next observation decides again. */
  default void stepFailed(
      String clusterArn, String containerInstanceArn, String step, String message) {}

  /** The pass carried out one plan; a listener that batches may send what it holds. */
  default void flush() {}

  default void passFinished(PassReport report) {}

  /** The request asked something that was not done as written, e.g. a cluster named twice. */
  default void noted(String message) {}

  /** A listener that hears nothing. */
  PassListener NONE = new PassListener() {};
}
