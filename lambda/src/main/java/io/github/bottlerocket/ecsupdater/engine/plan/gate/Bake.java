package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.engine.BakeRecord;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * BAKE_TIME and CANARY_HOSTS: after an instance came back ACTIVE on a new version, no new drain
 * until the bake has passed with every watched alarm OK the whole time (a change of an alarm's
 * state restarts it), the host is ACTIVE with its agent connected, and every service, daemon
 * services included, runs its desired count again (so the host's daemon tasks run again). The first
 * CANARY_HOSTS hosts of a version go one bake at a time, and after the last of them the bake is
 * CANARY_BAKE_TIME.
 *
 * <p>What the bake needs is the cluster tag {@link BakeRecord#TAG}, which the pass writes when it
 * sets an updated instance ACTIVE, so that it holds across passes.
 */
final class Bake {
  private Bake() {}

  /**
   * Whether a drain of {@code v} toward {@code target} may start as far as the bake goes. Needs the
   * services read for this observation.
   */
  static Optional<Hold> check(Observation o, InstanceView v, String target, int startedHere) {
    GateSettings g = o.settings().gates();
    if (!g.bakes()) {
      return Optional.empty();
    }
    Optional<BakeRecord> last = BakeRecord.decode(o.cluster().tags().get(BakeRecord.TAG));
    Optional<Hold> canaries = canaries(o, g, v, target, last, startedHere);
    if (canaries.isPresent() || last.isEmpty()) {
      return canaries;
    }
    BakeRecord b = last.get();
    boolean afterCanaries = g.canaryHosts() > 0 && b.hosts() == g.canaryHosts();
    Duration bake = afterCanaries ? g.canaryBakeTime() : g.bakeTime();
    Optional<Instant> alarmChange = AlarmGate.lastChangeAfter(o, b.at());
    Instant from = alarmChange.filter(t -> t.isAfter(b.at())).orElse(b.at());
    Instant until = from.plus(bake);
    String host = host(o, b);
    if (o.now().isBefore(until)) {
      return Optional.of(
          Hold.until(
              Reason.BAKING,
              host
                  + " came back on "
                  + b.version()
                  + " at "
                  + b.at()
                  + (alarmChange.isPresent()
                      ? "; an alarm changed state at "
                          + alarmChange.get()
                          + ", so the bake counts from there"
                      : "")
                  + "; "
                  + (afterCanaries ? "CANARY_BAKE_TIME " : "BAKE_TIME ")
                  + Durations.format(bake)
                  + ": bakes until "
                  + until,
              until));
    }
    Optional<InstanceView> baked =
        o.instances().stream()
            .filter(x -> x.instance().shortId().equals(b.instanceId()))
            .findFirst();
    if (baked.isPresent()
        && (baked.get().instance().status() != InstanceStatus.ACTIVE
            || !baked.get().instance().agentConnected())) {
      return Optional.of(
          Hold.of(
              Reason.BAKING,
              host
                  + ", updated to "
                  + b.version()
                  + ", is not healthy again: status "
                  + baked.get().instance().status()
                  + (baked.get().instance().agentConnected() ? "" : ", agent disconnected")));
    }
    List<String> below =
        o.services().orElse(List.of()).stream()
            .filter(s -> s.running() < s.desired())
            .map(
                s -> s.name() + (s.daemon() ? " (daemon) " : " ") + s.running() + "/" + s.desired())
            .toList();
    if (!below.isEmpty()) {
      return Optional.of(
          Hold.of(
              Reason.BAKING,
              "the bake after "
                  + host
                  + " took "
                  + b.version()
                  + " waits for every service at its desired count: "
                  + String.join(", ", below.subList(0, Math.min(3, below.size())))
                  + (below.size() > 3 ? " and " + (below.size() - 3) + " more" : "")));
    }
    return Optional.empty();
  }

  /**
   * The first CANARY_HOSTS hosts of a version update one at a time: while fewer have completed, no
   * drain toward it starts beside one under way.
   */
  private static Optional<Hold> canaries(
      Observation o,
      GateSettings g,
      InstanceView v,
      String target,
      Optional<BakeRecord> last,
      int startedHere) {
    if (g.canaryHosts() == 0) {
      return Optional.empty();
    }
    int done = last.filter(b -> b.version().equals(target)).map(BakeRecord::hosts).orElse(0);
    if (done >= g.canaryHosts()) {
      return Optional.empty();
    }
    long underWay =
        o.instances().stream()
                .filter(x -> !x.arn().equals(v.arn()))
                .filter(x -> x.phase().filter(p -> p.isOutOfService()).isPresent())
                .filter(
                    x ->
                        x.record()
                            .flatMap(r -> r.targetVersion())
                            .filter(target::equals)
                            .isPresent())
                .count()
            + startedHere;
    if (underWay == 0) {
      return Optional.empty();
    }
    return Optional.of(
        Hold.of(
            Reason.BAKING,
            "the first "
                + g.canaryHosts()
                + " host(s) of "
                + target
                + " (CANARY_HOSTS) update one at a time and bake; "
                + done
                + " done, "
                + underWay
                + " under way"));
  }

  private static String host(Observation o, BakeRecord b) {
    return o.instances().stream()
        .filter(x -> x.instance().shortId().equals(b.instanceId()))
        .map(x -> x.ec2InstanceId().isEmpty() ? x.arn() : x.ec2InstanceId())
        .findFirst()
        .orElse("container instance " + b.instanceId());
  }

  /** The gate's line in the report. */
  static String describe(Observation o) {
    Optional<BakeRecord> last = BakeRecord.decode(o.cluster().tags().get(BakeRecord.TAG));
    return last.map(
            b ->
                "last update: "
                    + host(o, b)
                    + " to "
                    + b.version()
                    + " at "
                    + b.at()
                    + " ("
                    + b.hosts()
                    + " host(s) of it in a row)")
        .orElse("no update completed here yet");
  }
}
