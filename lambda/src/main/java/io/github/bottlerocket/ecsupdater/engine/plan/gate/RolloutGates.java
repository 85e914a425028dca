package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.RolloutStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rollout gates that decide on facts the pass reads, asked in a fixed order: the cluster-wide
 * ones first (change calendars, then alarms), then, for the version an instance would take, the
 * version cap, the release soak and the promotion; and before a drain, the bake. Each gate is a
 * pure function of the observation. A gate whose facts the observation lacks says so, and the pass
 * reads them and plans again; one whose facts cannot be read holds new work back.
 *
 * <p>The static gates (the control switch, pause, the maintenance window, the circuit breaker) come
 * before all of these, in {@code Gates}.
 */
public final class RolloutGates {
  private RolloutGates() {}

  /** The gates that hold every new start in the cluster alike. */
  public static GateCheck clusterWide(Observation o) {
    GateSettings g = o.settings().gates();
    if (!g.followsCalendars() && !g.watchesAlarms()) {
      return GateCheck.CLEAR;
    }
    if (!o.gates().fresh()) {
      return new GateCheck.NeedsFacts(List.of(new Decision.InspectGates(Set.of())));
    }
    return CalendarGate.check(o)
        .or(() -> AlarmGate.check(o))
        .<GateCheck>map(GateCheck.Held::new)
        .orElse(GateCheck.CLEAR);
  }

  /** The gates on the version {@code v} would take: MAX_VERSION, MIN_RELEASE_AGE, PROMOTE_FROM. */
  public static GateCheck version(Observation o, InstanceView v, String target) {
    GateSettings g = o.settings().gates();
    Optional<Hold> cap = VersionCap.check(g, target);
    if (cap.isPresent()) {
      return new GateCheck.Held(cap.get());
    }
    GateCheck age = ReleaseAge.check(o, v, target);
    GateCheck promotion = Promotion.check(o, target);
    // Ask for every fact at once, so that one more read serves both.
    Set<String> releases = new LinkedHashSet<>();
    boolean needs = false;
    for (GateCheck c : List.of(age, promotion)) {
      if (c instanceof GateCheck.NeedsFacts n) {
        needs = true;
        n.needs().stream()
            .filter(d -> d instanceof Decision.InspectGates)
            .forEach(d -> releases.addAll(((Decision.InspectGates) d).releases()));
      }
    }
    if (needs) {
      return new GateCheck.NeedsFacts(List.of(new Decision.InspectGates(releases)));
    }
    return age instanceof GateCheck.Held ? age : promotion;
  }

  /**
   * The bake after the last update, before a drain of {@code v} toward {@code target}; {@code
   * startedHere} drains toward it are already let go ahead by this plan.
   */
  public static GateCheck bake(Observation o, InstanceView v, String target, int startedHere) {
    return Bake.check(o, v, target, startedHere)
        .<GateCheck>map(GateCheck.Held::new)
        .orElse(GateCheck.CLEAR);
  }

  /** One line per configured fact-based gate, for the report. */
  public static List<RolloutStatus.GateState> describe(Observation o, List<Hold> holding) {
    GateSettings g = o.settings().gates();
    List<RolloutStatus.GateState> out = new ArrayList<>();
    if (g.followsCalendars()) {
      out.add(
          state(
              "CHANGE_CALENDARS",
              CalendarGate.check(o).filter(h -> o.gates().fresh()),
              CalendarGate.describe(o)));
    }
    if (g.watchesAlarms()) {
      out.add(
          state(
              g.alarmNames().isEmpty() ? "ALARM_PREFIX" : "ALARM_NAMES",
              AlarmGate.check(o).filter(h -> o.gates().fresh()),
              AlarmGate.describe(o)));
    }
    if (g.maxVersion().isPresent()) {
      out.add(
          versionState(
              "MAX_VERSION",
              holding,
              Reason.VERSION_ABOVE_MAX,
              "no version above " + g.maxVersion().get()));
    }
    if (g.soaks()) {
      out.add(
          versionState(
              "MIN_RELEASE_AGE",
              holding,
              Reason.RELEASE_TOO_YOUNG,
              "releases younger than "
                  + Durations.format(g.minReleaseAge())
                  + " wait"
                  + (g.expedite().isEmpty() ? "" : "; expedited: " + g.expedite())));
    }
    if (g.promotes()) {
      out.add(versionState("PROMOTE_FROM", holding, Reason.NOT_PROMOTED, Promotion.describe(o)));
    }
    if (g.bakes()) {
      Optional<Hold> bake = holding.stream().filter(h -> h.reason() == Reason.BAKING).findFirst();
      out.add(
          new RolloutStatus.GateState(
              "BAKE_TIME",
              bake.isPresent(),
              bake.map(Hold::detail).orElse(Bake.describe(o)),
              bake.flatMap(Hold::until)));
    }
    return out;
  }

  private static RolloutStatus.GateState state(String gate, Optional<Hold> hold, String detail) {
    return new RolloutStatus.GateState(
        gate, hold.isPresent(), hold.map(Hold::detail).orElse(detail), hold.flatMap(Hold::until));
  }

  private static RolloutStatus.GateState versionState(
      String gate, List<Hold> holding, Reason reason, String detail) {
    Optional<Hold> first = holding.stream().filter(h -> h.reason() == reason).findFirst();
    return new RolloutStatus.GateState(
        gate,
        first.isPresent(),
        first.map(Hold::detail).orElse(detail),
        first.flatMap(Hold::until));
  }
}
