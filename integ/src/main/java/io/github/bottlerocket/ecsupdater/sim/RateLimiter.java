package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Faults.RateLimit} token buckets, in virtual time. Buckets start full. The SDK's
 * back-off sleeps in real time, which refills nothing here: only the virtual clock does (the
 * updater's waits and simulated latency).
 */
final class RateLimiter {
  private static final class Bucket {
    final Faults.RateLimit limit;
    double tokens;
    Instant refilledAt;

    Bucket(Faults.RateLimit limit, Instant start) {
      this.limit = limit;
      this.tokens = limit.burst();
      this.refilledAt = start;
    }

    void refill(Instant now) {
      if (now.isAfter(refilledAt)) {
        double seconds = Duration.between(refilledAt, now).toNanos() / 1e9;
        tokens = Math.min(limit.burst(), tokens + seconds * limit.perSecond());
        refilledAt = now;
      }
    }
  }

  private final List<Bucket> buckets = new ArrayList<>();

  RateLimiter(List<Faults.RateLimit> limits, Instant start) {
    limits.forEach(l -> buckets.add(new Bucket(l, start)));
  }

  /**
   * Takes a token for {@code operation} ({@code ecs:DescribeTasks}) from every bucket it belongs
   * to; false (and nothing taken) when one of them is empty.
   */
  synchronized boolean take(String operation, Instant now) {
    List<Bucket> matching = new ArrayList<>();
    for (Bucket b : buckets) {
      if (b.limit.operations().contains(operation)) {
        b.refill(now);
        if (b.tokens < 1) {
          return false;
        }
        matching.add(b);
      }
    }
    matching.forEach(b -> b.tokens -= 1);
    return true;
  }
}
