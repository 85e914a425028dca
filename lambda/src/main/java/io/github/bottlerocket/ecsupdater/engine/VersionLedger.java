package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.config.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a cluster's passes publish about the versions its Bottlerocket hosts run, in the cluster tag
 * {@value #TAG}, so that another cluster can take a version only once this one has run it ({@code
 * PROMOTE_FROM}). Every pass keeps it; it is written only when it changes.
 *
 * <p>For each version: the most hosts that ran it at once in this cluster ({@code peak}), of how
 * many Bottlerocket hosts the cluster had then ({@code total}), since when that many ran it ({@code
 * since}: the moment the last of them took it), until when (the first time a host left it again, if
 * one did), and how many hosts carry a failure of an update to it that counts against the failure
 * budget (it did not boot, did not come back, or runs another version).
 *
 * <p>Counts come from what the updater sees: an update it completed moves a host from one version
 * to another at once, and each full update check counts the hosts that answered (it only ever
 * raises a count, since hosts that did not answer are not known to run anything else). A count that
 * rises starts its run again: the soak is measured from the last host to take the version.
 *
 * @param entries by version
 */
public record VersionLedger(Map<String, Entry> entries) {
  /** The cluster tag that holds it. */
  public static final String TAG = StateAttributes.TAG_PREFIX + "versions";

  /** An ECS tag value holds at most 256 characters. */
  static final int MAX_LENGTH = 256;

  /** The newest versions are kept; older ones fall out. */
  static final int MAX_ENTRIES = 7;

  /**
   * One version.
   *
   * @param peak the most hosts that ran it at once
   * @param total the cluster's Bottlerocket hosts when that peak was reached
   * @param since when the peak was reached
   * @param until when a host first left it after the peak, if one did
   * @param failures hosts that carry a failure counting against the budget for an update to it
   */
  public record Entry(int peak, int total, Instant since, Optional<Instant> until, int failures) {
    public Entry {
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(until, "until");
    }
  }

  /** Nothing published. */
  public static final VersionLedger EMPTY = new VersionLedger(Map.of());

  public VersionLedger {
    entries = Map.copyOf(entries);
  }

  /** Reads the tag; entries that cannot be read are left out (a version without one is unknown). */
  public static VersionLedger decode(String value) {
    if (value == null || value.isBlank()) {
      return EMPTY;
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    for (String part : value.strip().split(" +")) {
      String[] f = part.split("/", -1);
      if (f.length != 6 || Version.parse(f[0]).isEmpty()) {
        continue;
      }
      try {
        int peak = Integer.parseInt(f[1]);
        int total = Integer.parseInt(f[2]);
        Instant since = Instant.ofEpochMilli(Long.parseLong(f[3]));
        Optional<Instant> until =
            f[4].equals("-")
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(Long.parseLong(f[4])));
        int failures = Integer.parseInt(f[5]);
        if (peak >= 0 && total >= 0 && failures >= 0) {
          out.put(f[0], new Entry(peak, total, since, until, failures));
        }
      } catch (RuntimeException e) {
        // left out
      }
    }
    return new VersionLedger(out);
  }

  /** The tag's value: newest versions first, as many as fit. */
  public String encode() {
    StringBuilder b = new StringBuilder();
    int n = 0;
    for (String v : newestFirst()) {
      Entry e = entries.get(v);
      String part =
          v
              + "/"
              + e.peak()
              + "/"
              + e.total()
              + "/"
              + e.since().toEpochMilli()
              + "/"
              + e.until().map(t -> Long.toString(t.toEpochMilli())).orElse("-")
              + "/"
              + e.failures();
      if (n == MAX_ENTRIES || b.length() + part.length() + 1 > MAX_LENGTH) {
        break;
      }
      b.append(b.isEmpty() ? "" : " ").append(part);
      n++;
    }
    return b.toString();
  }

  public Optional<Entry> get(String version) {
    return Optional.ofNullable(entries.get(version));
  }

  /** The versions, newest first. */
  public List<String> newestFirst() {
    List<String> versions = new ArrayList<>(entries.keySet());
    versions.sort(Comparator.comparing((String v) -> Version.parse(v).orElseThrow()).reversed());
    return versions;
  }

  /** A host moved from {@code from} to {@code to} at {@code at}, in a cluster of {@code total}. */
  public VersionLedger completed(String to, Optional<String> from, Instant at, int total) {
    if (Version.parse(to).isEmpty()) {
      return this;
    }
    Map<String, Entry> next = new LinkedHashMap<>(entries);
    from.filter(f -> !f.equals(to))
        .map(next::get)
        .filter(e -> e.until().isEmpty())
        .ifPresent(
            e ->
                next.put(
                    from.get(),
                    new Entry(e.peak(), e.total(), e.since(), Optional.of(at), e.failures())));
    Entry old = next.get(to);
    int running = old == null || old.until().isPresent() ? 1 : Math.min(old.peak() + 1, total);
    next.put(to, new Entry(running, total, at, Optional.empty(), old == null ? 0 : old.failures()));
    return new VersionLedger(next);
  }

  /**
   * What a full update check found: {@code counts} hosts answered running each version. A count
   * above the peak of a run still going starts a new, larger run now; a lower count changes
   * nothing, since hosts that did not answer are not known to have left, and a run that ended keeps
   * its history.
   */
  public VersionLedger counted(Map<String, Integer> counts, int total, Instant at) {
    Map<String, Entry> next = new LinkedHashMap<>(entries);
    counts.forEach(
        (v, n) -> {
          if (Version.parse(v).isEmpty() || n <= 0) {
            return;
          }
          Entry old = next.get(v);
          if (old == null) {
            next.put(v, new Entry(n, total, at, Optional.empty(), 0));
          } else if (old.until().isEmpty() && n > old.peak()) {
            next.put(v, new Entry(n, total, at, Optional.empty(), old.failures()));
          }
        });
    return new VersionLedger(next);
  }

  /** The hosts that now carry a failure of an update to each version. */
  public VersionLedger withFailures(Map<String, Integer> failures, Instant at) {
    Map<String, Entry> next = new LinkedHashMap<>();
    entries.forEach(
        (v, e) ->
            next.put(
                v,
                new Entry(e.peak(), e.total(), e.since(), e.until(), failures.getOrDefault(v, 0))));
    failures.forEach(
        (v, n) -> {
          if (n > 0 && !next.containsKey(v) && Version.parse(v).isPresent()) {
            next.put(v, new Entry(0, 0, at, Optional.of(at), n));
          }
        });
    return new VersionLedger(next);
  }

  /**
   * Whether {@code version} has run here long enough to be taken elsewhere: on at least {@code
   * minHosts} hosts (all of the cluster's, when empty) for {@code soak}, with no failure.
   *
   * @return when it qualified or will qualify while nothing changes; empty when it cannot yet
   */
  public Optional<Instant> qualifiesAt(
      String version, OptionalInt minHosts, java.time.Duration soak) {
    Entry e = entries.get(version);
    if (e == null || e.failures() > 0 || e.peak() == 0) {
      return Optional.empty();
    }
    int needed = minHosts.orElse(e.total());
    if (e.peak() < Math.max(1, needed)) {
      return Optional.empty();
    }
    Instant at = e.since().plus(soak);
    if (e.until().filter(u -> u.isBefore(at)).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(at);
  }
}
