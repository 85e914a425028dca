package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import java.time.Duration;

/**
 * The engine's {@link Sleeper} in a simulation: a wait advances the {@link VirtualClock} instead of
 * blocking. For the demo it can also pause for real, briefly, so that a person can follow the
 * output; tests never pace.
 */
public final class VirtualSleeper implements Sleeper {
  private final VirtualClock clock;
  private final Duration realPausePerWait;

  /**
   * @param clock the clock to advance
   * @param realPausePerWait how long to block for real on each wait; zero for tests
   */
  public VirtualSleeper(VirtualClock clock, Duration realPausePerWait) {
    this.clock = clock;
    this.realPausePerWait = realPausePerWait;
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    clock.advance(duration);
    if (!realPausePerWait.isZero()) {
      Sleeper.REAL.sleep(realPausePerWait);
    }
  }
}
