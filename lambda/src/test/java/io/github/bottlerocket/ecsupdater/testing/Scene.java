package io.github.bottlerocket.ecsupdater.testing;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.CheckRound;
import io.github.bottlerocket.ecsupdater.engine.Control;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.FailureRecord;
import io.github.bottlerocket.ecsupdater.engine.GateFacts;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.PhaseRecord;
import io.github.bottlerocket.ecsupdater.engine.ProbeResult;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.StatusParser;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import io.github.bottlerocket.ecsupdater.model.AlarmState;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds {@link Observation}s for planner tests: a cluster, its instances with the updater's
 * records, and what the hosts answered.
 */
public final class Scene {
  public static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  public static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
  public static final String OLD = "1.20.0";
  public static final String NEW = "1.20.1";

  private Instant now = T0;
  private Map<String, String> env = new HashMap<>();
  private PassOptions options = PassOptions.DEFAULT;
  private final Map<String, String> clusterTags = new HashMap<>();
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final Map<String, HostReply> phaseReplies = new HashMap<>();
  private final Map<String, ProbeResult> probes = new HashMap<>();
  private final Map<String, List<TaskInfo>> tasks = new HashMap<>();
  private final Map<String, List<TaskProtection>> taskProtection = new HashMap<>();
  private final Set<String> protectionUnread = new HashSet<>();
  private final Map<String, Optional<AutoScalingInstance>> groups = new HashMap<>();
  private final Set<String> groupUnread = new HashSet<>();
  private List<ServiceInfo> services;
  private CheckRound round = new CheckRound.NotStarted();
  private final Set<String> seenDisconnected = new HashSet<>();
  private Control control = Control.NONE;
  private final Map<String, Integer> fewestTasks = new HashMap<>();
  private final Map<String, ProbeResult> versionChecks = new HashMap<>();
  private boolean factsFresh = true;
  private final List<AlarmState> alarms = new ArrayList<>();
  private final List<String> missingAlarms = new ArrayList<>();
  private Optional<GateFacts.Read<CalendarState>> calendars = Optional.empty();
  private Optional<GateFacts.Read<ClusterInfo>> promotion = Optional.empty();
  private final Map<String, GateFacts.Read<GateFacts.Release>> releases = new HashMap<>();
  private boolean alarmsRead;

  public static String arn(String id) {
    return "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/" + id;
  }

  public static String ec2(String id) {
    return "i-" + id;
  }

  /** A mutable description of one container instance. */
  public final class Host {
    final String id;
    InstanceStatus status = InstanceStatus.ACTIVE;
    boolean connected = true;
    boolean bottlerocket = true;
    Resources registered = new Resources(2048, 4096);
    Resources remaining = new Resources(2048, 4096);
    final Map<String, String> attributes = new HashMap<>();
    int otherCustomAttributes;
    int runningTasks;
    int pendingTasks;

    Host(String id) {
      this.id = id;
    }

    public Host status(InstanceStatus s) {
      status = s;
      return this;
    }

    public Host disconnected() {
      connected = false;
      return this;
    }

    public Host notBottlerocket() {
      bottlerocket = false;
      return this;
    }

    public Host free(int cpu, int memory) {
      remaining = new Resources(cpu, memory);
      return this;
    }

    /** Gives the instance this many custom attributes of the operator's own. */
    public Host operatorAttributes(int count) {
      otherCustomAttributes = count;
      return this;
    }

    public Host optedOut() {
      attributes.put(StateAttributes.OPT_OUT, "true");
      return this;
    }

    /**
     * Puts the instance in {@code phase}, begun {@code ago} before now, waiting on command {@code
     * cmd}.
     */
    public Host phase(Phase phase, Duration ago, String cmd) {
      Instant since = now.minus(ago);
      PhaseRecord r =
          new PhaseRecord(
              phase,
              Optional.of(OLD),
              Optional.of(NEW),
              since,
              phase.isOutOfService() ? Optional.of(since) : Optional.empty(),
              Optional.ofNullable(cmd));
      attributes.put(StateAttributes.STATE, StateAttributes.encode(r));
      return this;
    }

    public Host phase(Phase phase) {
      return phase(
          phase,
          Duration.ofSeconds(10),
          phase == Phase.STAGING || phase == Phase.ACTIVATING || phase == Phase.VERIFYING
              ? "cmd-" + id
              : null);
    }

    /** The host was seen to reboot before its verification began. */
    public Host rebootSeen() {
      return marked(PhaseRecord.Mark.REBOOT_SEEN);
    }

    /** Adds {@code mark} to the instance's phase record. */
    public Host marked(PhaseRecord.Mark mark) {
      PhaseRecord r = StateAttributes.decodePhase(attributes.get(StateAttributes.STATE));
      attributes.put(StateAttributes.STATE, StateAttributes.encode(r.with(mark)));
      return this;
    }

    public Host rawState(String value) {
      attributes.put(StateAttributes.STATE, value);
      return this;
    }

    public Host failed(FailureReason reason, Duration ago, int count, String target) {
      attributes.put(
          StateAttributes.FAILURE,
          StateAttributes.encode(
              new FailureRecord(
                  reason,
                  reason == FailureReason.CHECK_FAILED
                      ? Optional.empty()
                      : Optional.of(Phase.DRAINING),
                  Optional.ofNullable(target),
                  now.minus(ago),
                  count)));
      return this;
    }

    /** The reply to the command the phase record names. */
    public Host replied(HostReply reply) {
      phaseReplies.put(arn(id), reply);
      return this;
    }

    /** A status probe sent {@code ago} before now with this reply. */
    public Host probed(Duration ago, HostReply reply) {
      probes.put(arn(id), new ProbeResult("probe-" + id, now.minus(ago), reply));
      return this;
    }

    public Host tasks(TaskInfo... list) {
      tasks.put(arn(id), List.of(list));
      return this;
    }

    /**
     * The scale-in protection of its tasks, as read for this observation. Without it, the tasks of
     * an instance whose tasks were read count as read and not protected.
     */
    public Host taskProtection(TaskProtection... list) {
      taskProtection.put(arn(id), List.of(list));
      protectionUnread.remove(arn(id));
      return this;
    }

    /** The scale-in protection of its tasks was not read in this observation. */
    public Host protectionUnread() {
      taskProtection.remove(arn(id));
      protectionUnread.add(arn(id));
      return this;
    }

    /**
     * Its Auto Scaling group as read for this observation. Without it, an instance whose tasks were
     * read counts as read and in no group.
     */
    public Host inGroup(String group, boolean protectedFromScaleIn) {
      groups.put(
          arn(id),
          Optional.of(
              new AutoScalingInstance(
                  ec2(id), group, AutoScalingInstance.IN_SERVICE, protectedFromScaleIn)));
      groupUnread.remove(arn(id));
      return this;
    }

    /** Its Auto Scaling group was not read in this observation. */
    public Host groupUnread() {
      groups.remove(arn(id));
      groupUnread.add(arn(id));
      return this;
    }

    /** ECS's task counts on the instance (runningTasksCount, pendingTasksCount). */
    public Host counted(int running, int pending) {
      runningTasks = running;
      pendingTasks = pending;
      return this;
    }

    /** Earlier observations of this pass counted at least {@code fewest} tasks on the drain. */
    public Host drainCountedBefore(int fewest) {
      fewestTasks.put(arn(id), fewest);
      return this;
    }

    /** An update check was sent {@code ago} while the host was down, answered {@code reply}. */
    public Host versionCheckQueued(Duration ago, HostReply reply) {
      versionChecks.put(arn(id), new ProbeResult("check-" + id, now.minus(ago), reply));
      return this;
    }

    public Host seenDisconnected() {
      seenDisconnected.add(arn(id));
      return this;
    }

    /** The architecture ECS reports for it ({@code ecs.cpu-architecture}). */
    public Host architecture(String arch) {
      attributes.put(ContainerInstance.ARCHITECTURE_ATTRIBUTE, arch);
      return this;
    }

    ContainerInstance build() {
      Map<String, String> attrs = new HashMap<>(attributes);
      if (bottlerocket) {
        attrs.put(ContainerInstance.VARIANT_ATTRIBUTE, "aws-ecs-2");
      }
      int custom =
          (int) attrs.keySet().stream().filter(k -> !ContainerInstance.isBuiltIn(k)).count();
      return new ContainerInstance(
          arn(id),
          ec2(id),
          status,
          connected,
          attrs,
          registered,
          remaining,
          runningTasks,
          pendingTasks,
          custom + otherCustomAttributes);
    }
  }

  public Scene at(Instant t) {
    now = t;
    return this;
  }

  public Scene set(String key, String value) {
    env.put(key, value);
    return this;
  }

  public Scene options(PassOptions o) {
    options = o;
    return this;
  }

  public Scene clusterTag(String key, String value) {
    clusterTags.put(key, value);
    return this;
  }

  public Scene checkedAgo(Duration ago) {
    return clusterTag(StateAttributes.LAST_CHECK_TAG, now.minus(ago).toString());
  }

  public Host host(String id) {
    return hosts.computeIfAbsent(id, Host::new);
  }

  public Scene services(ServiceInfo... list) {
    services = List.of(list);
    return this;
  }

  /** The check round is done with these replies (by host id). */
  public Scene checked(Map<String, HostReply> replies) {
    Map<String, HostReply> byArn = new HashMap<>();
    replies.forEach((id, r) -> byArn.put(arn(id), r));
    round = new CheckRound.Done(byArn, now);
    return this;
  }

  public Scene roundRunning(String... ids) {
    List<String> arns = new ArrayList<>();
    for (String id : ids) {
      arns.add(arn(id));
    }
    round = new CheckRound.Running(List.of("round-1"), arns, now.minusSeconds(1), true);
    return this;
  }

  public Observation build() {
    List<InstanceView> views = new ArrayList<>();
    hosts.values().stream()
        .map(Host::build)
        .sorted((a, b) -> a.arn().compareTo(b.arn()))
        .forEach(i -> views.add(InstanceView.of(i, now)));
    Map<String, List<TaskProtection>> protection = new HashMap<>(taskProtection);
    tasks.forEach(
        (arn, list) -> {
          if (!protectionUnread.contains(arn)) {
            protection.putIfAbsent(
                arn, list.stream().map(t -> TaskProtection.notProtected(t.arn())).toList());
          }
        });
    Map<String, Optional<AutoScalingInstance>> membership = new HashMap<>(groups);
    tasks.keySet().stream()
        .filter(arn -> !groupUnread.contains(arn))
        .forEach(arn -> membership.putIfAbsent(arn, Optional.empty()));
    return new Observation(
        now,
        Settings.fromEnvironment(env),
        options,
        new ClusterInfo(CLUSTER_ARN, "prod", "ACTIVE", clusterTags),
        views,
        phaseReplies,
        probes,
        tasks,
        Optional.ofNullable(services),
        services != null,
        round,
        seenDisconnected,
        control,
        protection,
        membership,
        fewestTasks,
        versionChecks,
        new GateFacts(
            factsFresh,
            Optional.of(now),
            alarmsRead
                ? Optional.of(
                    new GateFacts.Read.Known<>(new GateFacts.Alarms(alarms, missingAlarms, false)))
                : Optional.empty(),
            calendars,
            promotion,
            releases,
            List.of()));
  }

  // ------------------------------------------------------------------ rollout gate facts

  /** Whether the rollout gates' cluster-wide facts were read for this observation. */
  public Scene factsFresh(boolean fresh) {
    factsFresh = fresh;
    return this;
  }

  /** A watched alarm in {@code state} since {@code since}. */
  public Scene alarm(String name, AlarmState.State state, Instant since) {
    alarmsRead = true;
    alarms.add(new AlarmState(name, state, since));
    return this;
  }

  /** A name of ALARM_NAMES that CloudWatch does not know. */
  public Scene missingAlarm(String name) {
    alarmsRead = true;
    missingAlarms.add(name);
    return this;
  }

  /** The alarms could not be read. */
  public Scene alarmsUnreadable(String why) {
    alarmsRead = false;
    return this;
  }

  /** The change calendars' combined state. */
  public Scene calendar(boolean open, Optional<Instant> next) {
    calendars = Optional.of(new GateFacts.Read.Known<>(new CalendarState(open, next)));
    return this;
  }

  public Scene calendarUnreadable(String why) {
    calendars = Optional.of(new GateFacts.Read.Unreadable<>(why));
    return this;
  }

  /** Release {@code version} of aws-ecs-2 on x86_64 was published at {@code at}. */
  public Scene released(String version, Instant at) {
    String name = "/aws/service/bottlerocket/aws-ecs-2/x86_64/" + version + "/image_id";
    releases.put(
        GateFacts.releaseKey("aws-ecs-2", "x86_64", version),
        new GateFacts.Read.Known<>(new GateFacts.Release(Optional.of(at), name)));
    return this;
  }

  /** Release {@code version} has no public parameter (its age counts from when it was seen). */
  public Scene unpublished(String version) {
    releases.put(
        GateFacts.releaseKey("aws-ecs-2", "x86_64", version),
        new GateFacts.Read.Known<>(new GateFacts.Release(Optional.empty(), "-")));
    return this;
  }

  /** The PROMOTE_FROM cluster, named {@code name}, with these tags. */
  public Scene promotionSource(String name, Map<String, String> tags) {
    promotion =
        Optional.of(
            new GateFacts.Read.Known<>(
                new ClusterInfo(
                    "arn:aws:ecs:us-east-1:123456789012:cluster/" + name, name, "ACTIVE", tags)));
    return this;
  }

  public Scene promotionUnreadable(String why) {
    promotion = Optional.of(new GateFacts.Read.Unreadable<>(why));
    return this;
  }

  /** What the stack-wide control switch says in this observation. */
  public Scene control(Control c) {
    control = c;
    return this;
  }

  // ------------------------------------------------------------------ replies and tasks

  public static HostReply status(String fixture) {
    return new HostReply.Status(
        ((StatusParser.Result.Parsed) StatusParser.parse(Fixtures.apiclient(fixture))).status());
  }

  public static HostReply status(UpdateStatus s) {
    return new HostReply.Status(s);
  }

  public static HostReply error(HostError.Kind kind) {
    return new HostReply.Failed(HostError.of(kind, kind.name().toLowerCase(java.util.Locale.ROOT)));
  }

  public static HostReply pending() {
    return new HostReply.Pending(InvocationStatus.IN_PROGRESS);
  }

  public static HostReply done() {
    return new HostReply.Done();
  }

  /** A status document built by hand. */
  public static UpdateStatus hostStatus(
      io.github.bottlerocket.ecsupdater.host.UpdateState state,
      String active,
      String staged,
      String lastType,
      String lastStatus,
      String timestamp) {
    return new UpdateStatus(
        state,
        active,
        Optional.of(NEW),
        Optional.ofNullable(staged),
        state == io.github.bottlerocket.ecsupdater.host.UpdateState.READY,
        lastType == null
            ? Optional.empty()
            : Optional.of(new UpdateStatus.LastCommand(lastType, lastStatus, timestamp, "")),
        List.of(NEW, OLD));
  }

  public static TaskInfo serviceTask(String name, String service, int cpu, int memory) {
    return new TaskInfo(
        "task/" + name,
        "ecs-svc/123",
        "service:" + service,
        "RUNNING",
        "RUNNING",
        new Resources(cpu, memory));
  }

  public static TaskInfo stoppingTask(String name, String service) {
    return new TaskInfo(
        "task/" + name,
        "ecs-svc/123",
        "service:" + service,
        "RUNNING",
        "STOPPED",
        new Resources(256, 512));
  }

  public static TaskInfo stoppedTask(String name, String service) {
    return new TaskInfo(
        "task/" + name,
        "ecs-svc/123",
        "service:" + service,
        "STOPPED",
        "STOPPED",
        new Resources(256, 512));
  }

  public static TaskInfo standaloneTask(String name) {
    return new TaskInfo(
        "task/" + name, "", "family:batch", "RUNNING", "RUNNING", new Resources(256, 512));
  }

  public static ServiceInfo service(String name, int desired, int running) {
    return new ServiceInfo(name, false, desired, running);
  }

  public static ServiceInfo daemon(String name) {
    return new ServiceInfo(name, true, 3, 3);
  }
}
