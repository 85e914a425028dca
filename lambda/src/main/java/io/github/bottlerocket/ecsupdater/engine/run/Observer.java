package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.CheckRound;
import io.github.bottlerocket.ecsupdater.engine.Control;
import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.engine.plan.Planner;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Observes one cluster for one pass: lists and describes its instances, reads the replies of host
 * commands, the update check, and the tasks and services the planner asks for. It remembers what a
 * pass has seen (replies that will not change, probes, agents seen disconnected) so that each
 * observation reads only what may have changed. Nothing here outlives the pass.
 */
final class Observer {
  /** How long other instances' free capacity may be reused from an earlier observation. */
  private static final Duration FULL_REFRESH_AGE = Duration.ofMinutes(1);

  /** Which services are daemons changes rarely; a reading this old is read again. */
  private static final Duration SERVICES_MAX_AGE = Duration.ofMinutes(5);

  /** The planner may ask for more data a few times before its decisions are carried out. */
  private static final int MAX_DATA_ROUNDS = 4;

  private final EcsPort ecs;
  private final SsmPort ssm;
  private final AutoScalingPort autoScaling;
  private final Clock clock;
  private final Settings s;
  private final PassOptions options;

  private ClusterInfo cluster;
  private final Map<String, ContainerInstance> instances = new LinkedHashMap<>();
  private Instant lastFullRefresh = Instant.MIN;
  private boolean fullRefreshDue = true;

  private CheckRound round = new CheckRound.NotStarted();

  /** The replies of the running check's commands that have ended, by command id. */
  private final Map<String, Map<String, HostReply>> finishedChecks = new LinkedHashMap<>();

  private Optional<Instant> checkToRecord = Optional.empty();
  private final Map<String, String> ec2ToArn = new HashMap<>();
  private final Map<String, String> arnToEc2 = new HashMap<>();
  private final Map<String, ProbeResult> probes = new HashMap<>();
  private final Map<String, HostReply> terminalReplies = new HashMap<>();
  private final Set<String> seenDisconnected = new HashSet<>();
  private final Map<String, ProbeResult> versionChecks = new HashMap<>();

  /** The fewest tasks counted on each draining instance at the observations before this one. */
  private final Map<String, Integer> fewestTasks = new HashMap<>();

  /** What {@link #fewestTasks} held before the current observation. */
  private Map<String, Integer> fewestTasksBefore = Map.of();

  private Map<String, List<TaskInfo>> tasks = new HashMap<>();
  private Map<String, List<TaskProtection>> taskProtection = new HashMap<>();
  private Map<String, Optional<AutoScalingInstance>> groups = new HashMap<>();
  private Optional<List<ServiceInfo>> services = Optional.empty();
  private Instant servicesReadAt = Instant.MIN;
  private boolean servicesFresh;
  private boolean repliesPending;
  private boolean urgentRepliesPending;
  private Map<String, Phase> phases = Map.of();

  /** Instances whose update moved by itself at the last observation. */
  private Set<String> moving = Set.of();

  /** Instances whose record this pass changed since the last observation. */
  private final Set<String> touched = new HashSet<>();

  private Control control = Control.NONE;
  private Optional<Instant> controlReadAt = Optional.empty();

  /** The updater's cluster tags as this pass knows them, and the rollout gates' reads. */
  private final ClusterTags tags = new ClusterTags();

  private final GateReader gates;

  /** Hosts per running version, from the last update check that every idle host answered. */
  private Map<String, Integer> checkCounts = Map.of();

  Observer(
      EcsPort ecs,
      SsmPort ssm,
      AutoScalingPort autoScaling,
      CloudWatchPort cloudWatch,
      Clock clock,
      Settings s,
      PassOptions options) {
    this.ecs = ecs;
    this.ssm = ssm;
    this.autoScaling = autoScaling;
    this.clock = clock;
    this.s = s;
    this.options = options;
    this.gates = new GateReader(ecs, ssm, cloudWatch, s.gates(), clock, tags);
  }

  /** Describes the cluster; the first call of every pass. */
  ClusterInfo describeCluster(String clusterRef) {
    cluster = ecs.describeCluster(clusterRef);
    tags.described(cluster);
    return cluster;
  }

  /** The updater's tags on the cluster, as this pass knows and changes them. */
  ClusterTags tags() {
    return tags;
  }

  ClusterInfo cluster() {
    return cluster;
  }

  /** Observes the cluster afresh. */
  Observation observe() {
    Instant now = clock.instant();
    // Between full listings, re-describe only the instances whose update moves by itself and
    // those this pass just changed; queued and staged ones wait for the next full listing.
    List<String> tracked =
        instances.values().stream()
            .filter(i -> touched.contains(i.arn()) || moving.contains(i.arn()))
            .map(ContainerInstance::arn)
            .toList();
    touched.clear();
    if (fullRefreshDue || !now.isBefore(lastFullRefresh.plus(FULL_REFRESH_AGE))) {
      instances.clear();
      for (ContainerInstance i : ecs.listContainerInstances(cluster.arn())) {
        instances.put(i.arn(), i);
      }
      lastFullRefresh = now;
      fullRefreshDue = false;
    } else if (!tracked.isEmpty()) {
      for (ContainerInstance i : ecs.describeContainerInstances(cluster.arn(), tracked)) {
        instances.put(i.arn(), i);
      }
    }
    for (ContainerInstance i : instances.values()) {
      ec2ToArn.put(i.ec2InstanceId(), i.arn());
      arnToEc2.put(i.arn(), i.ec2InstanceId());
    }
    readControl(now);
    gates.observing();
    List<InstanceView> views =
        instances.values().stream().map(i -> InstanceView.of(i, now)).toList();
    moving =
        views.stream()
            .filter(v -> v.phase().filter(Phase::movesByItself).isPresent())
            .map(InstanceView::arn)
            .collect(Collectors.toUnmodifiableSet());
    fewestTasksBefore = Map.copyOf(fewestTasks);
    for (InstanceView v : views) {
      if (v.phase().filter(p -> p == Phase.DRAINING).isPresent()) {
        int count = v.instance().runningTasks() + v.instance().pendingTasks();
        fewestTasks.merge(v.arn(), count, Math::min);
      } else {
        fewestTasks.remove(v.arn());
      }
    }
    Map<String, HostReply> phaseReplies = new HashMap<>();
    for (InstanceView v : views) {
      Optional<PhaseRecord> r = v.record();
      if (r.isEmpty()) {
        continue;
      }
      Phase phase = r.get().phase();
      if (phase.watchesAgent() && !v.instance().agentConnected()) {
        seenDisconnected.add(v.arn());
      }
      phase
          .awaitedCommand()
          .ifPresent(
              command ->
                  r.get()
                      .commandId()
                      .ifPresent(
                          id -> phaseReplies.put(v.arn(), reply(command, id, v.ec2InstanceId()))));
    }
    repliesPending = phaseReplies.values().stream().anyMatch(r -> r instanceof HostReply.Pending);
    phases = new HashMap<>();
    views.forEach(v -> v.phase().ifPresent(p -> phases.put(v.arn(), p)));
    urgentRepliesPending =
        phaseReplies.entrySet().stream()
            .anyMatch(e -> e.getValue() instanceof HostReply.Pending && urgent(e.getKey()));
    refreshProbes();
    refreshVersionChecks();
    refreshRound(now);
    tasks = new HashMap<>();
    taskProtection = new HashMap<>();
    groups = new HashMap<>();
    servicesFresh = false;
    if (!now.isBefore(servicesReadAt.plus(SERVICES_MAX_AGE))) {
      services = Optional.empty();
    }
    return observation(views, phaseReplies);
  }

  /**
   * Plans on {@code first}, reading the tasks and services the planner asks for and planning again
   * (a few times at most) before anything is carried out.
   */
  Planner.Plan planWithData(Observation first) {
    Observation o = first;
    Planner.Plan plan = Planner.plan(o);
    for (int i = 0; i < MAX_DATA_ROUNDS && plan.needsData(); i++) {
      readGroups(plan.decisions());
      for (Decision d : plan.decisions()) {
        switch (d) {
          case Decision.InspectTasks it ->
              tasks.computeIfAbsent(it.instance().arn(), arn -> ecs.listTasks(cluster.arn(), arn));
          case Decision.InspectTaskProtection ip ->
              taskProtection.computeIfAbsent(
                  ip.instance().arn(), arn -> ecs.taskProtection(cluster.arn(), ip.taskArns()));
          case Decision.InspectServices is -> {
            if (!servicesFresh) {
              services = Optional.of(ecs.listServices(cluster.arn()));
              servicesReadAt = clock.instant();
              servicesFresh = true;
            }
          }
          case Decision.InspectGates ig -> gates.read(ig.releases());
          default -> {}
        }
      }
      o = observation(o.instances(), o.phaseReplies());
      plan = Planner.plan(o);
    }
    return plan;
  }

  /** The Auto Scaling groups of the instances the plan asks about, in one read. */
  private void readGroups(List<Decision> decisions) {
    Map<String, String> asked = new LinkedHashMap<>();
    for (Decision d : decisions) {
      if (d instanceof Decision.InspectAutoScaling ia && !groups.containsKey(ia.instance().arn())) {
        asked.put(ia.instance().ec2InstanceId(), ia.instance().arn());
      }
    }
    if (asked.isEmpty()) {
      return;
    }
    List<AutoScalingInstance> found = autoScaling.describeInstances(List.copyOf(asked.keySet()));
    asked.values().forEach(arn -> groups.put(arn, Optional.empty()));
    for (AutoScalingInstance i : found) {
      String arn = asked.get(i.instanceId());
      if (arn != null) {
        groups.put(arn, Optional.of(i));
      }
    }
  }

  /** Whether a host command's reply or the update check is still awaited. */
  boolean awaitingReplies() {
    return round instanceof CheckRound.Running
        || repliesPending
        || probes.values().stream().anyMatch(p -> !p.isDone());
  }

  /**
   * Whether a reply that holds up an instance's time out of service, or the drain of the next one,
   * is awaited: worth looking again after COMMAND_POLL_INTERVAL. A download (its request and its
   * progress) takes minutes and the update check of idle hosts keeps nobody waiting, so their
   * replies are read at the pace of POLL_INTERVAL.
   */
  boolean awaitingUrgentReplies() {
    return urgentRepliesPending
        || probes.entrySet().stream().anyMatch(e -> !e.getValue().isDone() && urgent(e.getKey()));
  }

  private boolean urgent(String arn) {
    Phase p = phases.get(arn);
    return p != null && p != Phase.STAGING && p != Phase.QUEUED;
  }

  // ------------------------------------------------------------ what the executor tells it

  /** {@code arn}'s record changed: describe it again at the next observation. */
  void touched(String arn) {
    touched.add(arn);
  }

  /** The next observation lists the whole cluster again. */
  void fullRefreshDue() {
    fullRefreshDue = true;
  }

  /** A status probe was sent to {@code arn}. */
  void probeSent(String arn, String commandId, Instant at) {
    probes.put(
        arn,
        new ProbeResult(
            commandId,
            at,
            new HostReply.Pending(
                io.github.bottlerocket.ecsupdater.model.InvocationStatus.PENDING)));
  }

  /** An update check was sent to {@code arn} while its host was down for the reboot. */
  void versionCheckSent(String arn, String commandId, Instant at) {
    versionChecks.put(
        arn,
        new ProbeResult(
            commandId,
            at,
            new HostReply.Pending(
                io.github.bottlerocket.ecsupdater.model.InvocationStatus.PENDING)));
  }

  /** The phase's command was sent again: earlier probes no longer describe it. */
  void forgetProbe(String arn) {
    probes.remove(arn);
  }

  /** The agent of {@code arn} is back and verified; a later disconnect is news again. */
  void forgetDisconnect(String arn) {
    seenDisconnected.remove(arn);
  }

  /** A check reply describes the host before a step; never plan from it again. */
  void forgetCheck(String arn) {
    if (round instanceof CheckRound.Done done && done.replies().containsKey(arn)) {
      Map<String, HostReply> rest = new HashMap<>(done.replies());
      rest.remove(arn);
      round = new CheckRound.Done(rest, done.finishedAt());
    }
  }

  /** The update check was sent. */
  void roundStarted(CheckRound started) {
    round = started;
    finishedChecks.clear();
  }

  /** When the check whose findings were all acted on ran, to be recorded on the cluster. */
  Optional<Instant> checkToRecord() {
    return checkToRecord;
  }

  /** Not every finding of the check was acted on: the next pass checks again. */
  void dropCheckToRecord() {
    checkToRecord = Optional.empty();
  }

  /** Hosts per running version, as the check recorded by {@link #checkToRecord()} found them. */
  Map<String, Integer> checkCounts() {
    return checkCounts;
  }

  // ------------------------------------------------------------ reading

  /**
   * Reads the control switch at the first observation and then every CONTROL_INTERVAL. A transient
   * fault keeps the value read before (a first read that fails so ends the observation, and the
   * pass tries again); any other fault stops, as the switch cannot be read.
   */
  private void readControl(Instant now) {
    if (s.controlParameter().isEmpty()
        || controlReadAt.filter(t -> now.isBefore(t.plus(s.controlInterval()))).isPresent()) {
      return;
    }
    String name = s.controlParameter().get();
    try {
      control = Control.of(name, ssm.parameter(name));
    } catch (AwsFault e) {
      if (!e.kind().isTransient()) {
        control = Control.unreadable(name, e.getMessage());
      } else if (controlReadAt.isEmpty()) {
        throw e;
      } else {
        return;
      }
    }
    controlReadAt = Optional.of(now);
  }

  private Observation observation(List<InstanceView> views, Map<String, HostReply> phaseReplies) {
    return new Observation(
        clock.instant(),
        s,
        options,
        tags.cluster(),
        views,
        phaseReplies,
        probes,
        tasks,
        services,
        servicesFresh,
        round,
        seenDisconnected,
        control,
        taskProtection,
        groups,
        fewestTasksBefore,
        versionChecks,
        gates.facts());
  }

  private HostReply reply(HostCommand command, String commandId, String ec2InstanceId) {
    HostReply known = terminalReplies.get(commandId);
    if (known != null) {
      return known;
    }
    HostReply reply = HostReply.of(command, ssm.invocation(commandId, ec2InstanceId));
    if (!(reply instanceof HostReply.Pending)) {
      terminalReplies.put(commandId, reply);
    }
    return reply;
  }

  private void refreshProbes() {
    for (Map.Entry<String, ProbeResult> e : probes.entrySet()) {
      ProbeResult p = e.getValue();
      if (!p.isDone()) {
        ContainerInstance i = instances.get(e.getKey());
        if (i != null) {
          e.setValue(
              new ProbeResult(
                  p.commandId(),
                  p.sentAt(),
                  reply(HostCommand.STATUS, p.commandId(), i.ec2InstanceId())));
        }
      }
    }
  }

  /**
   * Reads the version checks sent while hosts were down, once their ECS agent is back: that is when
   * the verification decides whether the check can be used (until then SSM holds it).
   */
  private void refreshVersionChecks() {
    for (Map.Entry<String, ProbeResult> e : versionChecks.entrySet()) {
      ProbeResult p = e.getValue();
      ContainerInstance i = instances.get(e.getKey());
      if (!p.isDone() && i != null && i.agentConnected()) {
        e.setValue(
            new ProbeResult(
                p.commandId(),
                p.sentAt(),
                reply(HostCommand.CHECK, p.commandId(), i.ec2InstanceId())));
      }
    }
  }

  /**
   * Reads the replies of the running update check. The invocation pages themselves tell when a
   * command is complete (every invocation ended), so no separate progress call is made. The
   * commands of one check were sent together; when one is still running, the rest are read at a
   * later observation. After CHECK_TIMEOUT every command is read once more and what has not ended
   * is taken as no reply.
   */
  private void refreshRound(Instant now) {
    if (!(round instanceof CheckRound.Running running)) {
      return;
    }
    boolean timedOut = !now.isBefore(running.sentAt().plus(s.checkTimeout()));
    for (int i = 0; i < running.commandIds().size(); i++) {
      String commandId = running.commandIds().get(i);
      if (finishedChecks.containsKey(commandId)) {
        continue;
      }
      int from = i * SsmPort.MAX_TARGETS;
      int to = Math.min(from + SsmPort.MAX_TARGETS, running.instanceArns().size());
      List<String> arns = running.instanceArns().subList(from, to);
      // By the ids seen in this pass, so that an instance gone from a later listing is still read.
      List<String> ec2Ids = arns.stream().map(arn -> arnToEc2.getOrDefault(arn, "")).toList();
      Map<String, HostReply> replies = new LinkedHashMap<>();
      boolean ended = true;
      for (CommandInvocation inv : ssm.invocations(commandId, ec2Ids)) {
        ended &= inv.status().isTerminal();
        String arn = ec2ToArn.get(inv.instanceId());
        if (arn != null) {
          replies.put(arn, HostReply.of(HostCommand.CHECK, inv));
        }
      }
      if (!ended && !timedOut) {
        return;
      }
      finishedChecks.put(commandId, replies);
    }
    Map<String, HostReply> replies = new HashMap<>();
    finishedChecks.values().forEach(replies::putAll);
    finishedChecks.clear();
    round = new CheckRound.Done(replies, now);
    // A check no host answered usefully (SSM or the hosts' network down) is not a check: the
    // next pass tries again instead of waiting a whole CHECK_INTERVAL.
    boolean anyAnswer = replies.values().stream().anyMatch(r -> r instanceof HostReply.Status);
    checkToRecord = anyAnswer && running.full() ? Optional.of(running.sentAt()) : Optional.empty();
    Map<String, Integer> counts = new HashMap<>();
    replies.values().stream()
        .filter(r -> r instanceof HostReply.Status)
        .map(r -> ((HostReply.Status) r).status().activeVersion())
        .forEach(v -> counts.merge(v, 1, Integer::sum));
    checkCounts = Map.copyOf(counts);
  }
}
