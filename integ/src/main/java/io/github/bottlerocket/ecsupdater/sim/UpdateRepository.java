package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Bottlerocket update repository the simulated hosts read: releases of one variant, each
 * published at an instant and reaching a host {@code waveOffset} later (Bottlerocket's waves: a
 * host sees a release only once its wave has come).
 */
public final class UpdateRepository {

  /** A release and when it was published. */
  public record Release(String version, Instant publishedAt) {}

  private final List<Release> releases = new ArrayList<>();

  public synchronized void publish(String version, Instant at) {
    releases.add(new Release(version, at));
  }

  /** Every release, published or still to come, in the order they were added. */
  public synchronized List<Release> releases() {
    return List.copyOf(releases);
  }

  /** Every published version, newest first, as {@code available_updates} lists them. */
  public synchronized List<String> published(Instant now) {
    return releases.stream()
        .filter(r -> !r.publishedAt().isAfter(now))
        .map(Release::version)
        .sorted(VERSION_ORDER.reversed())
        .toList();
  }

  /** The newest version published by {@code now}, whatever the waves. */
  public synchronized Optional<String> newest(Instant now) {
    return published(now).stream().findFirst();
  }

  /**
   * The update a host running {@code active} would choose now: the newest release above it whose
   * wave has reached the host.
   */
  public synchronized Optional<String> chosenFor(String active, Duration waveOffset, Instant now) {
    return releases.stream()
        .filter(r -> !r.publishedAt().plus(waveOffset).isAfter(now))
        .map(Release::version)
        .filter(v -> VERSION_ORDER.compare(v, active) > 0)
        .max(VERSION_ORDER);
  }

  /** Compares dotted numeric versions ({@code 1.20.1} before {@code 1.21.0}). */
  public static final Comparator<String> VERSION_ORDER =
      (a, b) -> {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
          int p = i < x.length ? Integer.parseInt(x[i]) : 0;
          int q = i < y.length ? Integer.parseInt(y[i]) : 0;
          if (p != q) {
            return Integer.compare(p, q);
          }
        }
        return 0;
      };
}
