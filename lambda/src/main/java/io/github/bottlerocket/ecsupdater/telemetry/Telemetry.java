package io.github.bottlerocket.ecsupdater.telemetry;

import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Transition;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Fans pass events out to several listeners; one failing listener never affects the others. */
public final class Telemetry implements PassListener {
  private static final Logger LOG = Logger.getLogger(Telemetry.class.getName());

  private final List<PassListener> listeners;

  public Telemetry(List<PassListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void passStarted(String clusterArn, String runId, boolean dryRun) {
    each(l -> l.passStarted(clusterArn, runId, dryRun));
  }

  @Override
  public void transition(Transition transition) {
    each(l -> l.transition(transition));
  }

  @Override
  public void stepFailed(
      String clusterArn, String containerInstanceArn, String step, String message) {
    each(l -> l.stepFailed(clusterArn, containerInstanceArn, step, message));
  }

  @Override
  public void flush() {
    each(PassListener::flush);
  }

  @Override
  public void passFinished(PassReport report) {
    each(l -> l.passFinished(report));
  }

  @Override
  public void noted(String message) {
    each(l -> l.noted(message));
  }

  private void each(java.util.function.Consumer<PassListener> action) {
    for (PassListener l : listeners) {
      try {
        action.accept(l);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "listener " + l.getClass().getSimpleName() + " failed; ignored", e);
      }
    }
  }
}
