package io.github.bottlerocket.ecsupdater.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulation's time. It moves only when someone advances it: the engine's {@link
 * VirtualSleeper}, simulated request latency, or a scenario between passes. Everything in the
 * simulated cluster (drains, downloads, reboots, SSM invocations) happens at virtual instants, so
 * scenarios are fast and repeatable.
 */
public final class VirtualClock extends Clock {
  private final Object lock = new Object();
  private Instant now;

  public VirtualClock(Instant start) {
    this.now = start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("the virtual clock runs in UTC only");
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return now;
    }
  }

  /** Moves time forward by {@code d} (never backwards) and returns the new instant. */
  public Instant advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time never goes backwards: " + d);
    }
    synchronized (lock) {
      now = now.plus(d);
      return now;
    }
  }
}
