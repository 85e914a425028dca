package io.github.bottlerocket.ecsupdater.engine;

import static io.github.bottlerocket.ecsupdater.engine.Phase.ACTIVATING;
import static io.github.bottlerocket.ecsupdater.engine.Phase.DRAINING;
import static io.github.bottlerocket.ecsupdater.engine.Phase.QUEUED;
import static io.github.bottlerocket.ecsupdater.engine.Phase.REBOOTING;
import static io.github.bottlerocket.ecsupdater.engine.Phase.STAGED;
import static io.github.bottlerocket.ecsupdater.engine.Phase.STAGING;
import static io.github.bottlerocket.ecsupdater.engine.Phase.VERIFYING;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every transition an instance's update can make: from which phase (empty for idle), by which kind
 * of change, to which phase. The README's state diagram draws exactly these arrows (a test holds
 * the two together), and every transition a pass reports is one of them (tests check that too).
 */
public final class Lifecycle {

  /**
   * One arrow of the diagram.
   *
   * @param from the phase before; empty for idle
   * @param kind the change
   * @param to the phase after; empty for idle
   */
  public record Arrow(Optional<Phase> from, Transition.Kind kind, Optional<Phase> to) {}

  /** All of them. */
  public static final List<Arrow> ARROWS = arrows();

  private Lifecycle() {}

  /** Whether a reported transition is one of the arrows. */
  public static boolean allows(Transition t) {
    return ARROWS.contains(new Arrow(t.from(), t.kind(), t.to()));
  }

  private static List<Arrow> arrows() {
    List<Arrow> a = new ArrayList<>();
    Optional<Phase> idle = Optional.empty();
    // The update check of an idle instance.
    add(a, idle, Transition.Kind.QUEUED, QUEUED);
    add(a, idle, Transition.Kind.STAGING_STARTED, STAGING);
    add(a, idle, Transition.Kind.STAGED, STAGED);
    a.add(new Arrow(idle, Transition.Kind.CHECK_FAILED, idle));
    a.add(new Arrow(idle, Transition.Kind.CHECK_RECOVERED, idle));
    // Queued.
    add(a, Optional.of(QUEUED), Transition.Kind.STAGING_STARTED, STAGING);
    a.add(new Arrow(Optional.of(QUEUED), Transition.Kind.RELEASED, idle));
    // Downloading.
    add(a, Optional.of(STAGING), Transition.Kind.STAGED, STAGED);
    add(a, Optional.of(STAGING), Transition.Kind.COMMAND_RESENT, STAGING);
    a.add(new Arrow(Optional.of(STAGING), Transition.Kind.FAILED, idle));
    a.add(new Arrow(Optional.of(STAGING), Transition.Kind.RELEASED, idle));
    // Staged, waiting for its drain.
    add(a, Optional.of(STAGED), Transition.Kind.DRAIN_STARTED, DRAINING);
    a.add(new Arrow(Optional.of(STAGED), Transition.Kind.FAILED, idle));
    a.add(new Arrow(Optional.of(STAGED), Transition.Kind.RELEASED, idle));
    // Draining: a drain recorded but not applied is applied again, or goes back to staged.
    add(a, Optional.of(DRAINING), Transition.Kind.DRAIN_STARTED, DRAINING);
    add(a, Optional.of(DRAINING), Transition.Kind.DRAIN_REVERTED, STAGED);
    add(a, Optional.of(DRAINING), Transition.Kind.ACTIVATION_STARTED, ACTIVATING);
    a.add(new Arrow(Optional.of(DRAINING), Transition.Kind.FAILED, idle));
    // Activating.
    add(a, Optional.of(ACTIVATING), Transition.Kind.REBOOT_SENT, REBOOTING);
    add(a, Optional.of(ACTIVATING), Transition.Kind.COMMAND_RESENT, ACTIVATING);
    // A host found on the target (or with a fresh boot's lost status) rebooted unrecorded.
    add(a, Optional.of(ACTIVATING), Transition.Kind.VERIFICATION_STARTED, VERIFYING);
    a.add(new Arrow(Optional.of(ACTIVATING), Transition.Kind.FAILED, idle));
    // Rebooting: a host that does not come back keeps its record and stays DRAINING.
    add(a, Optional.of(REBOOTING), Transition.Kind.VERIFICATION_STARTED, VERIFYING);
    add(a, Optional.of(REBOOTING), Transition.Kind.COMMAND_RESENT, REBOOTING);
    add(a, Optional.of(REBOOTING), Transition.Kind.FAILED, REBOOTING);
    a.add(new Arrow(Optional.of(REBOOTING), Transition.Kind.FAILED, idle));
    // Verifying.
    a.add(new Arrow(Optional.of(VERIFYING), Transition.Kind.UPDATED, idle));
    add(a, Optional.of(VERIFYING), Transition.Kind.COMMAND_RESENT, VERIFYING);
    add(a, Optional.of(VERIFYING), Transition.Kind.FAILED, VERIFYING);
    a.add(new Arrow(Optional.of(VERIFYING), Transition.Kind.FAILED, idle));
    return List.copyOf(a);
  }

  private static void add(List<Arrow> a, Optional<Phase> from, Transition.Kind kind, Phase to) {
    a.add(new Arrow(from, kind, Optional.of(to)));
  }
}
