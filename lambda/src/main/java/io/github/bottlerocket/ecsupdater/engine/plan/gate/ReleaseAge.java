package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.config.Version;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.FirstSeen;
import io.github.bottlerocket.ecsupdater.engine.GateFacts;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * MIN_RELEASE_AGE: no host takes a release younger than this. A release's age counts from the date
 * of Bottlerocket's public SSM parameter for its variant, architecture and version; when there is
 * none (or it cannot be read), from when this updater first saw the version offered in the cluster
 * (the cluster tag {@link FirstSeen#TAG}). EXPEDITE_VERSIONS skip it.
 */
final class ReleaseAge {
  /** The architecture ECS reports when it reports none: every ECS-optimised x86 host. */
  static final String DEFAULT_ARCHITECTURE = "x86_64";

  private ReleaseAge() {}

  /** The release key whose date {@code v}'s update to {@code target} needs. */
  static String key(InstanceView v, String target) {
    return GateFacts.releaseKey(
        v.instance().variant().orElse(""),
        v.instance().architecture().orElse(DEFAULT_ARCHITECTURE),
        target);
  }

  static GateCheck check(Observation o, InstanceView v, String target) {
    GateSettings g = o.settings().gates();
    if (!g.soaks() || Version.parse(target).filter(g.expedite()::contains).isPresent()) {
      return GateCheck.CLEAR;
    }
    String key = key(v, target);
    GateFacts.Read<GateFacts.Release> read = o.gates().releases().get(key);
    if (read == null) {
      return new GateCheck.NeedsFacts(List.of(new Decision.InspectGates(Set.of(key))));
    }
    Optional<Instant> published =
        read instanceof GateFacts.Read.Known<GateFacts.Release> k
            ? k.value().published()
            : Optional.empty();
    String source;
    Instant from;
    if (published.isPresent()) {
      from = published.get();
      String parameter = ((GateFacts.Read.Known<GateFacts.Release>) read).value().parameter();
      source = target + " was published at " + from + " (" + parameter + ")";
    } else {
      from = FirstSeen.decode(o.cluster().tags().get(FirstSeen.TAG)).of(target).orElse(o.now());
      source =
          target
              + " was first offered in this cluster at "
              + from
              + (read instanceof GateFacts.Read.Unreadable<GateFacts.Release> u
                  ? " (its public parameter cannot be read: " + u.why() + ")"
                  : " (Bottlerocket publishes no public parameter for it)");
    }
    Instant eligible = from.plus(g.minReleaseAge());
    if (!o.now().isBefore(eligible)) {
      return GateCheck.CLEAR;
    }
    return new GateCheck.Held(
        Hold.until(
            Reason.RELEASE_TOO_YOUNG,
            source
                + ", "
                + Durations.format(Duration.between(from, o.now()))
                + " ago; MIN_RELEASE_AGE "
                + Durations.format(g.minReleaseAge())
                + ": eligible after "
                + eligible
                + " (or list it in EXPEDITE_VERSIONS)",
            eligible));
  }
}
