package io.github.bottlerocket.ecsupdater.engine;

import java.time.Duration;

/** Waits between observations. Injected so that tests and simulations never sleep for real. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** Sleeps on the current thread. */
  Sleeper REAL = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
}
