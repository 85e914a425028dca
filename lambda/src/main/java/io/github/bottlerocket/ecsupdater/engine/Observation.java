package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.config.Flag;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the planner decides on, observed at one moment. Built by the {@link Reconciler}; the
 * {@link Planner} reads it and does no I/O.
 *
 * @param now the time of the observation
 * @param settings the configuration, with this pass's overrides applied
 * @param options this pass's options
 * @param cluster the cluster and the updater's tags on it
 * @param instances every ACTIVE and DRAINING container instance, ordered by ARN
 * @param phaseReplies by instance ARN: the reply to the command its phase record names
 * @param probes by instance ARN: the latest status probe sent in this pass
 * @param tasks by instance ARN: the tasks on instances whose tasks were read for this observation
 * @param services the cluster's services, if they were read in this pass
 * @param servicesFresh whether the services were read for this observation (a drain is decided only
 *     on a fresh reading; which services are daemons may come from an earlier one)
 * @param round this pass's update check of idle instances
 * @param seenDisconnected instances whose agent was seen disconnected while they rebooted
 * @param control what the stack-wide control switch says
 * @param taskProtection by instance ARN: the scale-in protection of the service tasks of instances
 *     whose protection was read for this observation (only before a drain)
 * @param autoScaling by instance ARN: the Auto Scaling group and scale-in protection of instances
 *     whose membership was read for this observation (only before a drain); empty for an instance
 *     of no group
 * @param fewestTasks by instance ARN, for instances draining since an earlier observation of this
 *     pass: the fewest tasks ECS counted on them then (running and pending); a drain only ever
 *     lowers it, so a higher count means a task appeared
 * @param versionChecks by instance ARN: the update check sent in this pass while the host was down
 *     for its reboot; SSM holds it until the host is back, so the version is read as soon as the
 *     host's SSM agent runs again
 * @param gates what the rollout gates decide on, as far as this pass read it
 */
public record Observation(
    Instant now,
    Settings settings,
    PassOptions options,
    ClusterInfo cluster,
    List<InstanceView> instances,
    Map<String, HostReply> phaseReplies,
    Map<String, ProbeResult> probes,
    Map<String, List<TaskInfo>> tasks,
    Optional<List<ServiceInfo>> services,
    boolean servicesFresh,
    CheckRound round,
    Set<String> seenDisconnected,
    Control control,
    Map<String, List<TaskProtection>> taskProtection,
    Map<String, Optional<AutoScalingInstance>> autoScaling,
    Map<String, Integer> fewestTasks,
    Map<String, ProbeResult> versionChecks,
    GateFacts gates) {

  public Observation {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(cluster, "cluster");
    instances = List.copyOf(instances);
    phaseReplies = Map.copyOf(phaseReplies);
    probes = Map.copyOf(probes);
    tasks = Map.copyOf(tasks);
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(round, "round");
    seenDisconnected = Set.copyOf(seenDisconnected);
    Objects.requireNonNull(control, "control");
    taskProtection = Map.copyOf(taskProtection);
    autoScaling = Map.copyOf(autoScaling);
    fewestTasks = Map.copyOf(fewestTasks);
    versionChecks = Map.copyOf(versionChecks);
    Objects.requireNonNull(gates, "gates");
  }

  /**
   * An observation with no memory of earlier observations' task counts and version checks, and
   * without rollout gate facts.
   */
  public Observation(
      Instant now,
      Settings settings,
      PassOptions options,
      ClusterInfo cluster,
      List<InstanceView> instances,
      Map<String, HostReply> phaseReplies,
      Map<String, ProbeResult> probes,
      Map<String, List<TaskInfo>> tasks,
      Optional<List<ServiceInfo>> services,
      boolean servicesFresh,
      CheckRound round,
      Set<String> seenDisconnected,
      Control control) {
    this(
        now,
        settings,
        options,
        cluster,
        instances,
        phaseReplies,
        probes,
        tasks,
        services,
        servicesFresh,
        round,
        seenDisconnected,
        control,
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        GateFacts.NONE);
  }

  /** The Bottlerocket instances of the cluster, which a share of MAX_CONCURRENT counts. */
  public int bottlerocketInstances() {
    return (int) instances.stream().filter(v -> v.instance().isBottlerocket()).count();
  }

  /** MAX_CONCURRENT for this observation, a share resolved against the cluster's size. */
  public int maxConcurrent() {
    return settings.maxConcurrent().resolve(bottlerocketInstances());
  }

  /** When the cluster's idle instances were last checked, from the cluster tag. */
  public Optional<Instant> lastCheck() {
    return Optional.ofNullable(cluster.tags().get(StateAttributes.LAST_CHECK_TAG))
        .flatMap(StateAttributes::decodeInstant);
  }

  /**
   * Whether the cluster's pause tag pauses it. The tag fails closed: any value but one of the
   * {@link Flag#NO} words pauses, a value that is not understood (the empty one included) as well.
   */
  public boolean clusterPaused() {
    String v = cluster.tags().get(StateAttributes.PAUSED_TAG);
    return v != null && !Flag.parse(v).equals(Optional.of(false));
  }

  /**
   * Why nothing new starts, when updates are paused by the setting or the cluster's tag; a tag
   * value that is not understood is named with the words that are.
   */
  public String pauseDetail() {
    List<String> why = new ArrayList<>();
    if (settings.paused()) {
      why.add("the PAUSED setting is true");
    }
    String v = cluster.tags().get(StateAttributes.PAUSED_TAG);
    if (clusterPaused()) {
      if (Flag.parse(v).isPresent()) {
        why.add("the cluster carries the tag " + StateAttributes.PAUSED_TAG + "=" + Echo.cut(v));
      } else {
        why.add(
            "the cluster tag "
                + StateAttributes.PAUSED_TAG
                + (v.isEmpty() ? " has an empty value" : " has the value " + Echo.quote(v))
                + ", which is not understood, so the cluster is paused; set it to one of "
                + String.join(", ", Flag.NO)
                + " (or delete it) to resume, or to one of "
                + String.join(", ", Flag.YES)
                + " to pause");
      }
    }
    return String.join("; ", why);
  }
}
