package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.GateFacts;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.engine.VersionLedger;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * PROMOTE_FROM: this cluster takes a version only after the Bottlerocket hosts of the other cluster
 * ran it (all of them, or PROMOTE_MIN_HOSTS) for PROMOTE_SOAK with no failure recorded for it
 * there, as that cluster's passes publish in its tag {@link VersionLedger#TAG}.
 */
final class Promotion {
  private Promotion() {}

  static GateCheck check(Observation o, String target) {
    GateSettings g = o.settings().gates();
    if (!g.promotes()) {
      return GateCheck.CLEAR;
    }
    String from = g.promoteFrom().get();
    GateFacts.Read<ClusterInfo> read = o.gates().promotion().orElse(null);
    if (!o.gates().fresh() || read == null) {
      return new GateCheck.NeedsFacts(List.of(new Decision.InspectGates(Set.of())));
    }
    if (read instanceof GateFacts.Read.Unreadable<ClusterInfo> u) {
      return held(
          Hold.of(Reason.NOT_PROMOTED, "PROMOTE_FROM " + from + " cannot be read: " + u.why()));
    }
    ClusterInfo source = ((GateFacts.Read.Known<ClusterInfo>) read).value();
    VersionLedger ledger = VersionLedger.decode(source.tags().get(VersionLedger.TAG));
    Optional<Instant> at = ledger.qualifiesAt(target, g.promoteMinHosts(), g.promoteSoak());
    if (at.isPresent() && !o.now().isBefore(at.get())) {
      return GateCheck.CLEAR;
    }
    String qualified =
        qualified(o, ledger)
            .map(v -> "; " + from + " qualifies " + v)
            .orElse("; " + from + " qualifies no version yet");
    Optional<VersionLedger.Entry> e = ledger.get(target);
    String why;
    if (e.isEmpty() || (e.get().peak() == 0 && e.get().failures() == 0)) {
      why = from + " has not run " + target;
    } else if (e.get().failures() > 0) {
      why =
          e.get().failures()
              + " host(s) of "
              + from
              + " carry a failed update to "
              + target
              + "; it is not promoted while they do";
    } else if (at.isEmpty()) {
      int needed = g.promoteMinHosts().orElse(e.get().total());
      why =
          target
              + " ran on at most "
              + e.get().peak()
              + " host(s) of "
              + from
              + " at once, "
              + (e.get().until().isPresent()
                  ? "from " + e.get().since() + " to " + e.get().until().get() + ", "
                  : "")
              + "and needs "
              + needed
              + (g.promoteMinHosts().isPresent() ? " (PROMOTE_MIN_HOSTS)" : " (all of them)")
              + " for PROMOTE_SOAK "
              + Durations.format(g.promoteSoak());
    } else {
      why =
          target
              + " has run on "
              + e.get().peak()
              + " host(s) of "
              + from
              + " since "
              + e.get().since()
              + "; PROMOTE_SOAK "
              + Durations.format(g.promoteSoak())
              + ": promoted after "
              + at.get();
    }
    return held(new Hold(Reason.NOT_PROMOTED, why + qualified, at));
  }

  /** The newest version the other cluster qualifies now. */
  static Optional<String> qualified(Observation o, VersionLedger ledger) {
    GateSettings g = o.settings().gates();
    return ledger.newestFirst().stream()
        .filter(
            v ->
                ledger
                    .qualifiesAt(v, g.promoteMinHosts(), g.promoteSoak())
                    .filter(t -> !o.now().isBefore(t))
                    .isPresent())
        .findFirst();
  }

  private static GateCheck held(Hold h) {
    return new GateCheck.Held(h);
  }

  /** The gate's line in the report. */
  static String describe(Observation o) {
    String from = o.settings().gates().promoteFrom().orElse("");
    return switch (o.gates().promotion().orElse(null)) {
      case null -> "not read in this pass";
      case GateFacts.Read.Unreadable<ClusterInfo> u -> from + " cannot be read: " + u.why();
      case GateFacts.Read.Known<ClusterInfo> k -> {
        VersionLedger ledger = VersionLedger.decode(k.value().tags().get(VersionLedger.TAG));
        yield qualified(o, ledger)
            .map(v -> from + " qualifies " + v)
            .orElse(
                from
                    + (ledger.entries().isEmpty()
                        ? " publishes no versions yet (the updater has not passed over it)"
                        : " qualifies no version yet"));
      }
    };
  }
}
