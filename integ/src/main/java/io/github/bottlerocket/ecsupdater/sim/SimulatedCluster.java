package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The model of one ECS cluster of Bottlerocket hosts, with SSM Run Command reaching the hosts.
 *
 * <p>Time is the {@link VirtualClock}'s. Whatever the cluster does by itself (tasks starting and
 * stopping, drains moving service tasks, downloads, reboots, SSM invocations running) is an event
 * at a virtual instant; every API call first runs the events that are due. After each change the
 * service scheduler runs and every {@link ClusterObserver} hears of it.
 *
 * <p>All methods lock the cluster, so calls from the endpoint's threads are serialised.
 */
public final class SimulatedCluster {
  static final String ACCOUNT = "123456789012";
  static final String REGION = "us-east-1";
  static final String VARIANT = "aws-ecs-2";

  final String name;
  final String arn;
  final Map<String, String> tags = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> otherClusters = new LinkedHashMap<>();
  final List<SimInstance> instances = new ArrayList<>();
  final List<SimTask> tasks = new ArrayList<>();

  /** The same tasks by instance, so that a cluster of thousands of instances places in time. */
  private final Map<SimInstance, List<SimTask>> tasksByInstance = new HashMap<>();

  final List<SimService> services = new ArrayList<>();
  final Map<String, SsmCommand> commands = new LinkedHashMap<>();
  final List<String> publishedEvents = new ArrayList<>();
  final Optional<String> ssmDocumentPrefix;
  final UpdateRepository repository = new UpdateRepository();
  final Faults faults;
  final FaultDice dice;
  final Timing timing;

  private final VirtualClock clock;
  private final EventQueue agenda = new EventQueue();
  private final EventFeed feed = new EventFeed(this);
  private final Alarms alarms = new Alarms(this);
  private final Parameters parameters = new Parameters(this);
  private final Calendars calendars = new Calendars(this);
  private final AutoScaling autoScaling = new AutoScaling(this);
  private final DynamoDb dynamoDb = new DynamoDb(this);
  private final List<ClusterObserver> observers = new CopyOnWriteArrayList<>();
  private long nextTask = 1;
  private long nextCommand = 1;

  public SimulatedCluster(ClusterSpec spec, Faults faults, Timing timing, VirtualClock clock) {
    this.name = spec.name();
    this.arn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + spec.name();
    this.faults = faults;
    this.dice = new FaultDice(faults.seed());
    this.timing = timing;
    this.clock = clock;
    this.ssmDocumentPrefix = spec.ssmDocumentPrefix();
    tags.putAll(spec.tags());
    Instant start = clock.instant();
    for (ClusterSpec.ReleaseSpec r : spec.releases()) {
      repository.publish(r.version(), start.plus(r.publishedAfterStart()));
    }
    int index = 0;
    for (ClusterSpec.HostSpec h : spec.hosts()) {
      index++;
      // Ids sort in registration order, so that "the first host" means the same to every reader.
      String id = String.format("%04x%028x", index, h.name().hashCode() & 0xffffffffL);
      Optional<BottlerocketHost> br =
          h.bottlerocket()
              ? Optional.of(
                  new BottlerocketHost(
                      VARIANT,
                      h.version(),
                      h.waveOffset(),
                      repository,
                      timing,
                      faults.prepareFailures().getOrDefault(h.name(), 0)))
              : Optional.empty();
      SimInstance i =
          new SimInstance(
              h.name(),
              id,
              "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":container-instance/" + name + "/" + id,
              String.format("i-0%04x%012x", index, h.name().hashCode() & 0xffffffffL),
              h.cpu(),
              h.memory(),
              br,
              start);
      if (h.bottlerocket()) {
        i.customAttributes.put("bottlerocket.variant", VARIANT);
      }
      i.customAttributes.putAll(h.attributes());
      instances.add(i);
      for (ClusterSpec.StandaloneTask t : h.standaloneTasks()) {
        SimTask task = newTask(i, Optional.empty(), t.family(), "", t.cpu(), t.memory(), start);
        task.status = SimTask.Status.RUNNING;
      }
    }
    for (ClusterSpec.ServiceSpec s : spec.services()) {
      services.add(
          new SimService(
              s.name(),
              "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":service/" + name + "/" + s.name(),
              s.daemon(),
              s.desired(),
              s.cpu(),
              s.memory(),
              s.minimumHealthyPercent(),
              s.maximumPercent()));
    }
    // Services start with their tasks already running.
    schedule(start);
    tasks.forEach(t -> t.status = SimTask.Status.RUNNING);
  }

  public void addObserver(ClusterObserver observer) {
    observers.add(observer);
  }

  public String name() {
    return name;
  }

  public String arn() {
    return arn;
  }

  public VirtualClock clock() {
    return clock;
  }

  /** The EventBridge events ECS and SSM emit about this cluster, for scenarios to deliver. */
  public EventFeed events() {
    return feed;
  }

  /**
   * Adds another cluster of the account that DescribeClusters answers with its name and {@code
   * tags} only (no instances, tasks or services): a PROMOTE_FROM source whose own passes ran in
   * another simulation.
   */
  public synchronized void addOtherCluster(String otherName, Map<String, String> otherTags) {
    otherClusters.put(otherName, new LinkedHashMap<>(otherTags));
  }

  /** The other cluster {@code ref} (a name or an ARN) names, if any. */
  synchronized Optional<Map.Entry<String, Map<String, String>>> otherCluster(String ref) {
    return otherClusters.entrySet().stream()
        .filter(e -> ref.equals(e.getKey()) || ref.equals(clusterArn(e.getKey())))
        .map(e -> Map.entry(e.getKey(), Map.copyOf(e.getValue())))
        .findFirst();
  }

  /** This cluster's tags now (the updater's records among them). */
  public synchronized Map<String, String> tags() {
    return Map.copyOf(tags);
  }

  static String clusterArn(String clusterName) {
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + clusterName;
  }

  /** The account's CloudWatch alarms. */
  public Alarms alarms() {
    return alarms;
  }

  /** SSM Parameter Store: Bottlerocket's public parameters and the account's own. */
  public Parameters parameters() {
    return parameters;
  }

  /** SSM Change Calendars. */
  public Calendars calendars() {
    return calendars;
  }

  /** The Auto Scaling groups the instances belong to, and their scale-ins. */
  public AutoScaling autoScaling() {
    return autoScaling;
  }

  /** DynamoDB tables of the account. */
  public DynamoDb dynamoDb() {
    return dynamoDb;
  }

  /**
   * Publishes a Bottlerocket release at {@code at} (now or later): hosts see it once their wave
   * comes, and its public SSM parameters carry {@code at} as their last modification.
   */
  public synchronized void publishRelease(String version, Instant at) {
    repository.publish(version, at);
  }

  /**
   * Protects a running task of {@code service} on {@code instanceName} from scale-in for {@code
   * duration}, as the task itself would through the agent's endpoint; returns the task's ARN.
   */
  public synchronized String protectTask(String instanceName, String service, Duration duration) {
    catchUp();
    SimInstance i = byName(instanceName);
    SimTask t =
        liveTasksOn(i).stream()
            .filter(x -> x.service.map(s -> s.name.equals(service)).orElse(false))
            .filter(x -> x.desiredRunning && x.protectedUntil == null)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no unprotected task of " + service + " runs on " + instanceName));
    t.protectedUntil = clock.instant().plus(duration);
    return t.arn;
  }

  // ------------------------------------------------------------------ time

  /** Runs every event due by now. Called before each API call and by scenarios. */
  public synchronized void catchUp() {
    Instant now = clock.instant();
    EventQueue.Event e;
    while ((e = agenda.pollDue(now)) != null) {
      e.action().run();
      changed(e.at(), e.what());
    }
  }

  /** After any change: the service scheduler acts, then observers hear of it. */
  synchronized void changed(Instant at, String cause) {
    schedule(at);
    for (ClusterObserver o : observers) {
      o.changed(this, at, cause);
    }
  }

  // ------------------------------------------------------------------ queries for scenarios

  /** A snapshot of one container instance. */
  public record InstanceState(
      String name,
      String ec2InstanceId,
      String containerInstanceArn,
      String status,
      boolean agentConnected,
      boolean bottlerocket,
      String version,
      Map<String, String> attributes,
      List<String> runningTasks,
      int reboots) {}

  public synchronized List<InstanceState> instanceStates() {
    catchUp();
    return instances.stream().map(this::state).toList();
  }

  public synchronized InstanceState instance(String instanceName) {
    catchUp();
    return state(byName(instanceName));
  }

  /** The host commands sent so far, in order, by instance name. */
  public synchronized List<String> hostCommandsSent() {
    List<String> out = new ArrayList<>();
    for (SsmCommand c : commands.values()) {
      for (SsmCommand.Invocation i : c.invocations) {
        out.add(i.instance.name + ":" + c.hostCommand.map(Enum::name).orElse("UNRECOGNISED"));
      }
    }
    return out;
  }

  /** The events the updater published to EventBridge, as the entries' JSON. */
  public synchronized List<String> publishedEvents() {
    return List.copyOf(publishedEvents);
  }

  private InstanceState state(SimInstance i) {
    return new InstanceState(
        i.name,
        i.ec2InstanceId,
        i.arn,
        i.reportedStatus(),
        i.agentConnected,
        i.bottlerocket.isPresent(),
        i.runningVersion(),
        Map.copyOf(i.customAttributes),
        tasks.stream()
            .filter(t -> t.instance == i && t.isLive())
            .map(SimTask::group)
            .sorted()
            .toList(),
        i.reboots);
  }

  SimInstance byName(String instanceName) {
    return instances.stream()
        .filter(i -> i.name.equals(instanceName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no instance named " + instanceName));
  }

  // ------------------------------------------------------------------ ECS behaviour

  List<SimTask> liveTasksOn(SimInstance i) {
    return tasksByInstance.getOrDefault(i, List.of()).stream().filter(SimTask::isLive).toList();
  }

  int remainingCpu(SimInstance i) {
    return i.cpu - liveTasksOn(i).stream().mapToInt(t -> t.cpu).sum();
  }

  int remainingMemory(SimInstance i) {
    return i.memory - liveTasksOn(i).stream().mapToInt(t -> t.memory).sum();
  }

  /**
   * Sets an instance ACTIVE or DRAINING. The service scheduler, which runs after every change,
   * starts moving service tasks off a draining one. Status survives reboots, as in ECS.
   */
  void setStatus(SimInstance i, SimInstance.EcsStatus status) {
    boolean change = i.status != status;
    i.status = status;
    Instant at = clock.instant();
    if (change) {
      instanceChanged(i, at);
    }
    for (ClusterObserver o : observers) {
      o.statusChanged(this, i.name, status.name(), at);
    }
  }

  private SimTask newTask(
      SimInstance on,
      Optional<SimService> service,
      String family,
      String startedBy,
      int cpu,
      int memory,
      Instant at) {
    long n = nextTask++;
    String id = String.format("%08x%024x", name.hashCode(), n);
    SimTask t =
        new SimTask(
            id,
            "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/" + name + "/" + id,
            on,
            service,
            family,
            startedBy,
            cpu,
            memory,
            at);
    tasks.add(t);
    tasksByInstance.computeIfAbsent(on, k -> new ArrayList<>()).add(t);
    return t;
  }

  private void startTask(SimService s, SimInstance on, Instant at) {
    SimTask t = newTask(on, Optional.of(s), s.name, s.startedBy(), s.cpu, s.memory, at);
    agenda.at(
        at.plus(timing.taskStart()),
        "task of " + s.name + " starts on " + on.name,
        () -> {
          if (t.status == SimTask.Status.PENDING) {
            t.status = SimTask.Status.RUNNING;
          }
        });
  }

  private void stopTask(SimTask t, Instant at, String reason) {
    t.desiredRunning = false;
    t.status = SimTask.Status.STOPPING;
    t.stoppedReason = reason;
    Duration stop = timing.taskStop();
    if (t.instance.status == SimInstance.EcsStatus.DRAINING) {
      stop = stop.plus(faults.extraStopTime());
    }
    Instant stopped = at.plus(stop);
    agenda.at(
        stopped,
        "task of " + t.group() + " stops on " + t.instance.name,
        () -> {
          if (t.status == SimTask.Status.STOPPING) {
            t.status = SimTask.Status.STOPPED;
            t.stoppedAt = stopped;
          }
        });
  }

  /**
   * The service scheduler. Replica services keep their desired count on instances that accept
   * tasks; a task on a DRAINING instance is replaced when a replacement fits somewhere
   * (maximumPercent allowing) and stopped once enough tasks run (minimumHealthyPercent). Daemon
   * services run one task on every instance that accepts tasks and keep theirs on draining
   * instances until the host goes down.
   */
  private void schedule(Instant at) {
    for (SimService s : services) {
      List<SimTask> live =
          tasks.stream().filter(t -> t.service.orElse(null) == s && t.desiredRunning).toList();
      if (s.daemon) {
        for (SimInstance i : instances) {
          boolean has = live.stream().anyMatch(t -> t.instance == i);
          if (!has && i.acceptsTasks() && fits(i, s)) {
            startTask(s, i, at);
          }
        }
        continue;
      }
      List<SimTask> draining =
          live.stream().filter(t -> t.instance.status == SimInstance.EcsStatus.DRAINING).toList();
      long blocked =
          draining.stream().filter(t -> faults.blockedDrains().contains(t.instance.name)).count();
      int total = live.size();
      int maxTotal = s.desired * s.maximumPercent / 100;
      long toPlace = s.desired - (live.size() - draining.size()) - blocked;
      while (toPlace > 0 && total < maxTotal) {
        Optional<SimInstance> target = placement(s);
        if (target.isEmpty()) {
          break;
        }
        startTask(s, target.get(), at);
        toPlace--;
        total++;
      }
      int minHealthy = (int) Math.ceil(s.desired * s.minimumHealthyPercent / 100.0);
      int running = (int) live.stream().filter(t -> t.status == SimTask.Status.RUNNING).count();
      int placed =
          (int)
              tasks.stream()
                  .filter(
                      t ->
                          t.service.orElse(null) == s
                              && t.desiredRunning
                              && t.instance.status != SimInstance.EcsStatus.DRAINING)
                  .count();
      for (SimTask t : draining) {
        if (faults.blockedDrains().contains(t.instance.name)) {
          continue;
        }
        // Stop a draining task once the service keeps its minimum healthy share without it, and
        // (unless the service may drop below 100%) a replacement has been placed for it.
        boolean replaced = placed >= s.desired;
        if (t.status == SimTask.Status.RUNNING
            && running - 1 >= minHealthy
            && (replaced || s.minimumHealthyPercent < 100)) {
          stopTask(t, at, "Container instance is being drained");
          running--;
        }
      }
    }
    if (tasks.removeIf(t -> forgotten(t, at))) {
      tasksByInstance.values().forEach(on -> on.removeIf(t -> forgotten(t, at)));
    }
  }

  /** A task stopped an hour ago is gone from ECS's answers. */
  private static boolean forgotten(SimTask t, Instant at) {
    return t.status == SimTask.Status.STOPPED
        && t.stoppedAt != null
        && t.stoppedAt.plus(Duration.ofHours(1)).isBefore(at);
  }

  private boolean fits(SimInstance i, SimService s) {
    return remainingCpu(i) >= s.cpu && remainingMemory(i) >= s.memory;
  }

  /** Spread first (fewest tasks of the service), then most free memory, then name. */
  private Optional<SimInstance> placement(SimService s) {
    return instances.stream()
        .filter(SimInstance::acceptsTasks)
        .filter(i -> fits(i, s))
        .min(
            Comparator.comparingLong(
                    (SimInstance i) ->
                        tasksByInstance.getOrDefault(i, List.of()).stream()
                            .filter(t -> t.desiredRunning && t.service.orElse(null) == s)
                            .count())
                .thenComparing(i -> -remainingMemory(i))
                .thenComparing(i -> i.name));
  }

  /**
   * A container instance's status, agent connection or attributes changed: ECS raises its version
   * and emits a state-change event.
   */
  void instanceChanged(SimInstance i, Instant at) {
    i.version++;
    feed.instanceChanged(i, at);
  }

  /**
   * Terminates an instance (a scale-in): the machine goes away, its tasks stop, its container
   * instance is deregistered (INACTIVE) and observers hear of it first.
   */
  void terminate(SimInstance i, boolean protectedByUpdater, String how, Instant at) {
    for (ClusterObserver o : observers) {
      o.terminating(this, i.name, protectedByUpdater, how, at);
    }
    i.power = SimInstance.Power.GONE;
    i.agentConnected = false;
    i.terminated = true;
    for (SimTask t : liveTasksOn(i)) {
      t.desiredRunning = false;
      t.status = SimTask.Status.STOPPED;
      t.stoppedAt = at;
      t.stoppedReason = "Host EC2 (instance " + i.ec2InstanceId + ") terminated.";
    }
    instanceChanged(i, at);
    changed(at, i.name + " terminated by a scale-in");
  }

  // ------------------------------------------------------------------ reboots

  private void reboot(SimInstance i, Instant at) {
    for (ClusterObserver o : observers) {
      o.rebooting(this, i.name, at);
    }
    i.reboots++;
    agenda.at(
        at.plus(timing.shutdown()),
        i.name + " goes down for the reboot",
        () -> shutDown(i, at.plus(timing.shutdown())));
  }

  private void shutDown(SimInstance i, Instant at) {
    i.power = SimInstance.Power.REBOOTING;
    i.agentConnected = false;
    instanceChanged(i, at);
    for (SimTask t : liveTasksOn(i)) {
      t.desiredRunning = false;
      t.status = SimTask.Status.STOPPED;
      t.stoppedAt = at;
      t.stoppedReason = "Host EC2 (instance " + i.ec2InstanceId + ") rebooted";
    }
    if (faults.neverReturns().contains(i.name)) {
      i.power = SimInstance.Power.GONE;
      return;
    }
    BottlerocketHost host = i.bottlerocket.orElseThrow();
    boolean newImageFails = host.isReady(at) && faults.badBoot().contains(i.name);
    Duration boot =
        (newImageFails ? timing.boot().plus(timing.failedBootExtra()) : timing.boot())
            .plus(faults.slowBoots().getOrDefault(i.name, Duration.ZERO));
    Instant up = at.plus(boot);
    agenda.at(
        up,
        i.name + " boots",
        () -> {
          host.boot(up, newImageFails);
          i.power = SimInstance.Power.RUNNING;
          List<SsmCommand.Invocation> interrupted = new ArrayList<>();
          for (SsmCommand c : commands.values()) {
            for (SsmCommand.Invocation inv : c.invocations) {
              if (inv.instance != i) {
                continue;
              }
              if (inv.status == SsmCommand.Status.PENDING) {
                deliver(inv, up);
              } else if (inv.status == SsmCommand.Status.IN_PROGRESS
                  && faults.rerunInterruptedCommands()) {
                interrupted.add(inv);
              }
            }
          }
          for (SsmCommand.Invocation inv : interrupted) {
            inv.status = SsmCommand.Status.PENDING;
            deliver(inv, up);
          }
          Instant connect = up.plus(timing.agentReconnect());
          agenda.at(
              connect,
              i.name + " agent reconnects",
              () -> {
                i.agentConnected = true;
                instanceChanged(i, connect);
              });
        });
  }

  // ------------------------------------------------------------------ SSM Run Command

  /** Registers a command and schedules its invocations; returns it. */
  SsmCommand send(
      String documentName,
      Optional<HostCommand> command,
      String unrecognised,
      List<String> lines,
      List<SimInstance> targets,
      String comment,
      int timeoutSeconds,
      Instant at) {
    String id =
        String.format(
            "%08x-%04x-4%03x-8%03x-%012x",
            faults.seed() & 0xffffffffL, nextCommand >> 16 & 0xffff, 0, 0, nextCommand);
    nextCommand++;
    SsmCommand c =
        new SsmCommand(id, documentName, command, unrecognised, lines, comment, at, timeoutSeconds);
    commands.put(id, c);
    if (command.isEmpty()) {
      for (ClusterObserver o : observers) {
        o.unrecognisedCommand(this, unrecognised, at);
      }
    }
    for (SimInstance i : targets) {
      SsmCommand.Invocation inv = new SsmCommand.Invocation(c, i);
      c.invocations.add(inv);
      agenda.at(
          at.plus(timing.ssmDelivery()),
          "deliver " + command.map(Enum::name).orElse("script") + " to " + i.name,
          () -> deliver(inv, at.plus(timing.ssmDelivery())));
      Instant deadline = at.plus(Duration.ofSeconds(timeoutSeconds));
      agenda.at(
          deadline,
          "delivery time-out of " + id + " on " + i.name,
          () -> {
            if (inv.status == SsmCommand.Status.PENDING) {
              inv.status = SsmCommand.Status.TIMED_OUT;
              inv.statusDetails = "DeliveryTimedOut";
              inv.endedAt = deadline;
              feed.invocationEnded(inv, deadline);
            }
          });
    }
    return c;
  }

  private void deliver(SsmCommand.Invocation inv, Instant at) {
    if (inv.status != SsmCommand.Status.PENDING
        || inv.instance.power != SimInstance.Power.RUNNING) {
      return; // delivered when the host is back, or it times out
    }
    inv.status = SsmCommand.Status.IN_PROGRESS;
    inv.statusDetails = "InProgress";
    inv.startedAt = at;
    SsmCommand c = inv.command;
    HostShell.Result r;
    if (c.hostCommand.isEmpty()) {
      r = new HostShell.Result(1, "", "simulated host: " + c.unrecognised + "\n", false);
    } else {
      r = HostShell.run(c.hostCommand.get(), inv.instance.bottlerocket, at);
      for (ClusterObserver o : observers) {
        o.hostCommandRan(this, inv.instance.name, c.hostCommand.get(), r.exitCode(), at);
      }
    }
    if (r.rebootRequested()) {
      // The host goes down under the SSM agent: this invocation never reports.
      reboot(inv.instance, at);
      return;
    }
    HostShell.Result out = garble(inv, r);
    Instant end = at.plus(timing.ssmExecution());
    agenda.at(
        end,
        "invocation " + c.id + " ends on " + inv.instance.name,
        () -> {
          if (inv.status != SsmCommand.Status.IN_PROGRESS) {
            return;
          }
          inv.status = out.exitCode() == 0 ? SsmCommand.Status.SUCCESS : SsmCommand.Status.FAILED;
          inv.statusDetails = inv.status.wire;
          inv.responseCode = out.exitCode();
          inv.stdout = out.stdout();
          inv.stderr = out.stderr();
          inv.endedAt = end;
          feed.invocationEnded(inv, end);
        });
  }

  /** The garbled-output fault: a successful status command prints garbage or nothing. */
  private HostShell.Result garble(SsmCommand.Invocation inv, HostShell.Result r) {
    if (r.exitCode() != 0 || r.stdout().isEmpty()) {
      return r;
    }
    String key = "garble:" + inv.command.id + ":" + inv.instance.ec2InstanceId;
    if (!dice.chance(key, faults.garbledOutputFraction())) {
      return r;
    }
    String junk =
        dice.next(key + ":kind") < 0.5 ? "" : "\u0000\u0007{\"update_state\": Idl\uFFFD\n";
    return new HostShell.Result(0, junk, r.stderr(), false);
  }

  /** Runs the events due now and records a change made by an API call. */
  synchronized void apiChanged(String cause) {
    changed(clock.instant(), cause);
  }

  /** The invocation of {@code commandId} on {@code ec2InstanceId}, if any. */
  Optional<SsmCommand.Invocation> invocation(String commandId, String ec2InstanceId) {
    SsmCommand c = commands.get(commandId);
    if (c == null) {
      return Optional.empty();
    }
    return c.invocations.stream()
        .filter(i -> i.instance.ec2InstanceId.equals(ec2InstanceId))
        .findFirst();
  }
}
