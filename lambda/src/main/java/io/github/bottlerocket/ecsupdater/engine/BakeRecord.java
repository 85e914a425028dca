package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.config.Version;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The last update this updater completed in a cluster, kept in the cluster tag {@value #TAG} while
 * BAKE_TIME or CANARY_HOSTS is set: the bake after it holds new drains, and the count says how many
 * hosts took this version one after another (the canaries come first).
 *
 * @param version the version the host runs now
 * @param hosts how many hosts in a row the updater moved to this version, this one included
 * @param instanceId the container instance's id (the last part of its ARN)
 * @param at when the host was set ACTIVE on it
 */
public record BakeRecord(String version, int hosts, String instanceId, Instant at) {
  /** The cluster tag that holds it. */
  public static final String TAG = StateAttributes.TAG_PREFIX + "bake";

  public BakeRecord {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(at, "at");
  }

  /** Reads the tag; a value that cannot be read is no record (nothing bakes). */
  public static Optional<BakeRecord> decode(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String[] f = value.strip().split("/", -1);
    if (f.length != 4 || Version.parse(f[0]).isEmpty() || !f[2].matches("[A-Za-z0-9-]{1,64}")) {
      return Optional.empty();
    }
    try {
      int hosts = Integer.parseInt(f[1]);
      Instant at = Instant.ofEpochMilli(Long.parseLong(f[3]));
      return hosts < 1 ? Optional.empty() : Optional.of(new BakeRecord(f[0], hosts, f[2], at));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public String encode() {
    return version + "/" + hosts + "/" + instanceId + "/" + at.toEpochMilli();
  }

  /** The record after the next completed update, of {@code instance} to {@code to}. */
  public static BakeRecord after(
      Optional<BakeRecord> last, String to, String instanceId, Instant at) {
    int hosts = last.filter(b -> b.version().equals(to)).map(b -> b.hosts() + 1).orElse(1);
    return new BakeRecord(to, hosts, instanceId, at);
  }
}
