package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The updater's tags on the cluster as this pass knows them: read with DescribeClusters at the
 * start of the pass, and changed by the pass itself. Changes are written together ({@link
 * #takePending()}), in one TagResource call; every observation sees them at once.
 */
final class ClusterTags {
  private ClusterInfo cluster;
  private final Map<String, String> pending = new LinkedHashMap<>();

  /** The cluster as DescribeClusters described it at the start of the pass. */
  void described(ClusterInfo described) {
    cluster = described;
    pending.clear();
  }

  /** The cluster, with the tags as this pass knows them. */
  ClusterInfo cluster() {
    return cluster;
  }

  /** Sets a tag unless it already holds {@code value}; an empty value is not written anew. */
  void set(String key, String value) {
    String old = cluster.tags().get(key);
    if (value.equals(old) || (old == null && value.isEmpty())) {
      return;
    }
    Map<String, String> next = new HashMap<>(cluster.tags());
    next.put(key, value);
    cluster = new ClusterInfo(cluster.arn(), cluster.name(), cluster.status(), next);
    pending.put(key, value);
  }

  /** Tags whose write failed: written with the next. */
  void unwritten(Map<String, String> failed) {
    failed.forEach(pending::putIfAbsent);
  }

  /** The tags changed since the last call, to be written. */
  Map<String, String> takePending() {
    Map<String, String> out = Map.copyOf(pending);
    pending.clear();
    return out;
  }
}
