package io.github.bottlerocket.ecsupdater.sim;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Seeded draws keyed by what they are about. The n-th draw for the same key always gives the same
 * number for the same seed, whichever thread asks first for a different key; so a fault lands on
 * the same request in every run.
 */
public final class FaultDice {
  private final long seed;
  private final Map<String, Integer> occurrences = new HashMap<>();

  public FaultDice(long seed) {
    this.seed = seed;
  }

  /** A number in [0, 1) for the next draw about {@code key}. */
  public synchronized double next(String key) {
    int n = occurrences.merge(key, 1, Integer::sum);
    long h = mix(seed ^ fnv(key) ^ (0x9E3779B97F4A7C15L * n));
    return (h >>> 11) * 0x1.0p-53;
  }

  /** Whether the next draw about {@code key} falls under {@code fraction}. */
  public boolean chance(String key, double fraction) {
    return fraction > 0 && next(key) < fraction;
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
