package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.config.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When this updater first saw each release offered in a cluster, kept in the cluster tag {@value
 * #TAG} while MIN_RELEASE_AGE is set. A release's age is taken from its public SSM parameter; this
 * is the fallback when that cannot be read.
 *
 * @param seen by version
 */
public record FirstSeen(Map<String, Instant> seen) {
  /** The cluster tag that holds it. */
  public static final String TAG = StateAttributes.TAG_PREFIX + "first-seen";

  static final int MAX_ENTRIES = 8;

  public static final FirstSeen EMPTY = new FirstSeen(Map.of());

  public FirstSeen {
    seen = Map.copyOf(seen);
  }

  /** Reads the tag ({@code 1.20.1/<epoch millis> ...}); unreadable entries are left out. */
  public static FirstSeen decode(String value) {
    if (value == null || value.isBlank()) {
      return EMPTY;
    }
    Map<String, Instant> out = new LinkedHashMap<>();
    for (String part : value.strip().split(" +")) {
      String[] f = part.split("/", -1);
      if (f.length == 2 && Version.parse(f[0]).isPresent()) {
        try {
          out.put(f[0], Instant.ofEpochMilli(Long.parseLong(f[1])));
        } catch (RuntimeException e) {
          // left out
        }
      }
    }
    return new FirstSeen(out);
  }

  public Optional<Instant> of(String version) {
    return Optional.ofNullable(seen.get(version));
  }

  /** With {@code version} first seen at {@code at}, unless it was seen before. */
  public FirstSeen with(String version, Instant at) {
    if (seen.containsKey(version) || Version.parse(version).isEmpty()) {
      return this;
    }
    Map<String, Instant> next = new LinkedHashMap<>(seen);
    next.put(version, at);
    return new FirstSeen(next);
  }

  /** The tag's value: the newest versions, as many as fit. */
  public String encode() {
    List<String> versions = new ArrayList<>(seen.keySet());
    versions.sort(Comparator.comparing((String v) -> Version.parse(v).orElseThrow()).reversed());
    StringBuilder b = new StringBuilder();
    for (String v : versions.subList(0, Math.min(MAX_ENTRIES, versions.size()))) {
      String part = v + "/" + seen.get(v).toEpochMilli();
      if (b.length() + part.length() + 1 > VersionLedger.MAX_LENGTH) {
        break;
      }
      b.append(b.isEmpty() ? "" : " ").append(part);
    }
    return b.toString();
  }
}
