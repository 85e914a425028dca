package io.github.bottlerocket.ecsupdater.emulator;

import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when the updater waits, so a pass against an emulator takes as long as
 * its calls and never sleeps for real.
 */
final class VirtualClock extends Clock {
  private Instant now;

  VirtualClock(Instant start) {
    this.now = start;
  }

  /** Waits by moving the clock on. */
  Sleeper sleeper() {
    return this::advance;
  }

  synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
