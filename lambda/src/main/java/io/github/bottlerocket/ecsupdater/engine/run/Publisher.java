package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.BakeRecord;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.engine.VersionLedger;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a pass records on its cluster, in tags, besides the time of the last check: the versions its
 * hosts run ({@link VersionLedger}, which another cluster's PROMOTE_FROM reads) and, while a bake
 * is configured, the last update ({@link BakeRecord}). Tags are written only when they change,
 * together in one TagResource call; a dry run writes none.
 */
final class Publisher {
  private final EcsPort ecs;
  private final Settings s;
  private final PassOptions options;
  private final ClusterTags tags;

  Publisher(EcsPort ecs, Settings s, PassOptions options, ClusterTags tags) {
    this.ecs = ecs;
    this.s = s;
    this.options = options;
    this.tags = tags;
  }

  /**
   * {@code v} is about to be set ACTIVE on {@code version}: the bake is recorded first, so that a
   * pass that stops in between still bakes. Recording the same update twice (a pass that stopped
   * before setting it ACTIVE, then completed it again) counts it once.
   */
  void completing(InstanceView v, String version, Instant now) {
    if (!s.gates().bakes()) {
      return;
    }
    Optional<BakeRecord> last = BakeRecord.decode(tags.cluster().tags().get(BakeRecord.TAG));
    String id = v.instance().shortId();
    if (last.filter(b -> b.instanceId().equals(id) && b.version().equals(version)).isEmpty()) {
      tags.set(BakeRecord.TAG, BakeRecord.after(last, version, id, now).encode());
    }
    flush();
  }

  /**
   * {@code v} runs {@code version} now and is ACTIVE. Recorded after the fact: a pass that stops
   * before it under-counts, which only delays a promotion.
   */
  void completed(PhaseRecord old, String version, Instant now, int bottlerocketInstances) {
    tags.set(
        VersionLedger.TAG,
        ledger().completed(version, old.fromVersion(), now, bottlerocketInstances).encode());
  }

  /**
   * After a plan was carried out on {@code o}: the failures its instances carry, and, when the
   * check whose time is being recorded answered, how many hosts run each version.
   */
  void observed(Observation o, Optional<Instant> checkAt, Map<String, Integer> checkCounts) {
    Map<String, Integer> failures = new HashMap<>();
    for (InstanceView v : o.instances()) {
      if (v.instance().isBottlerocket()) {
        v.failure()
            .filter(f -> f.reason().countsAgainstBudget())
            .flatMap(f -> f.targetVersion())
            .ifPresent(t -> failures.merge(t, 1, Integer::sum));
      }
    }
    VersionLedger next = ledger().withFailures(failures, o.now());
    if (checkAt.isPresent()) {
      next = next.counted(checkCounts, o.bottlerocketInstances(), checkAt.get());
      tags.set(StateAttributes.LAST_CHECK_TAG, StateAttributes.encodeInstant(checkAt.get()));
    }
    tags.set(VersionLedger.TAG, next.encode());
  }

  /** Writes the tags changed since the last write, in one call; what fails is written later. */
  void flush() {
    Map<String, String> pending = tags.takePending();
    if (pending.isEmpty() || options.dryRun()) {
      return;
    }
    try {
      ecs.tagCluster(tags.cluster().arn(), pending);
    } catch (RuntimeException e) {
      tags.unwritten(pending);
      throw e;
    }
  }

  private VersionLedger ledger() {
    return VersionLedger.decode(tags.cluster().tags().get(VersionLedger.TAG));
  }
}
