package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import java.util.HashSet;
import java.util.Set;

/**
 * The only owner of slot counting within one plan. Slots are counted from the observation, before
 * any decision: an instance that finishes frees its slot for the next observation, never for the
 * current one. Up to MAX_CONCURRENT instances may be out of service, and as many may hold a
 * download (staging or staged).
 */
final class Slots {
  private final int maxConcurrent;
  private final int outOfService;
  private int drainFree;
  private int downloadFree;

  /**
   * Slots that free soon: the updater's own instances whose drain and activation are done and that
   * only reboot or verify. As many staged instances may confirm their image ahead of the slot.
   */
  private int freeingSoon;

  /** Instances counted out of service whose own slot this plan may still use or give back. */
  private final Set<String> own = new HashSet<>();

  /** Instances this plan drains: they no longer offer room to the next drain of the same plan. */
  private final Set<String> granted = new HashSet<>();

  private Slots(
      int maxConcurrent, int outOfService, int downloading, int freeingSoon, Set<String> own) {
    this.maxConcurrent = maxConcurrent;
    this.outOfService = outOfService;
    this.drainFree = maxConcurrent - outOfService;
    this.downloadFree = maxConcurrent - downloading;
    this.freeingSoon = freeingSoon;
    this.own.addAll(own);
  }

  static Slots of(Observation o, int maxConcurrent) {
    int out = 0;
    int downloading = 0;
    int freeingSoon = 0;
    Set<String> own = new HashSet<>();
    for (InstanceView v : o.instances()) {
      boolean ours = v.phase().map(Phase::isOutOfService).orElse(false);
      if (ours || v.instance().status() == InstanceStatus.DRAINING) {
        out++;
      }
      if (ours) {
        own.add(v.arn());
      }
      if (v.phase().map(Phase::holdsStagingSlot).orElse(false)) {
        downloading++;
      }
      if (v.phase().filter(p -> p == Phase.REBOOTING || p == Phase.VERIFYING).isPresent()) {
        freeingSoon++;
      }
    }
    return new Slots(maxConcurrent, out, downloading, freeingSoon, own);
  }

  /** Instances out of service at the observation. */
  int outOfService() {
    return outOfService;
  }

  /** Whether {@code v} may take a drain slot: its own, counted already, or a free one. */
  boolean drainRoom(InstanceView v) {
    return own.contains(v.arn()) || drainFree > 0;
  }

  /** Takes a drain slot for {@code v} (its own if it has one) to confirm or start its drain. */
  void takeDrain(InstanceView v) {
    if (!own.remove(v.arn())) {
      drainFree--;
    }
  }

  /** {@code v}'s drain goes ahead in this plan; its room no longer counts for others. */
  void grant(InstanceView v) {
    granted.add(v.arn());
  }

  /** A recorded drain that will not go ahead gives its counted slot back. */
  void giveBack(InstanceView v) {
    if (own.remove(v.arn())) {
      drainFree++;
    }
  }

  Set<String> granted() {
    return Set.copyOf(granted);
  }

  /**
   * Whether {@code v}, a staged instance that waits for a drain slot, is next in line for one that
   * frees soon, and may confirm its image now so that its drain starts the moment the slot frees.
   * Asked in the order the instances would drain; each slot that frees soon serves one of them.
   */
  boolean nextInLine(InstanceView v) {
    if (freeingSoon > 0) {
      freeingSoon--;
      return true;
    }
    return false;
  }

  /**
   * Whether a drain slot is free, or frees soon, for an instance that would be staged now: only
   * then does it matter when a running download ends.
   */
  boolean drainSlotSoon() {
    return drainFree > 0 || freeingSoon > 0;
  }

  boolean downloadRoom() {
    return downloadFree > 0;
  }

  void takeDownload() {
    downloadFree--;
  }

  /** The sentence for a drain blocked by the limit. */
  String drainLimitDetail() {
    return outOfService + " of " + maxConcurrent + " out of service";
  }
}
