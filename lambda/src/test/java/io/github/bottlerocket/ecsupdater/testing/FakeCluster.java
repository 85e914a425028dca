package io.github.bottlerocket.ecsupdater.testing;

import io.github.bottlerocket.ecsupdater.engine.Sleeper;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.AlarmState;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.model.ParameterValue;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.ClusterNotFoundException;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory cluster of simple Bottlerocket hosts behind {@link EcsPort} and {@link SsmPort},
 * with a virtual clock and an ordered log of every call. Hosts answer every command at once; drains
 * finish when the test says so; a reboot takes the agent away for a set time. The full simulation
 * with realistic timing lives in the integ module; this fake checks the reconciler's ordering and
 * bookkeeping.
 */
public final class FakeCluster implements EcsPort, SsmPort, AutoScalingPort, CloudWatchPort {
  public static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";

  /** The virtual clock; {@link #sleeper()} advances it. */
  public final MutableClock clock = new MutableClock(Scene.T0);

  public final List<String> log = new ArrayList<>();
  public final Map<String, Host> hosts = new TreeMap<>();
  public final List<ServiceInfo> services = new ArrayList<>();
  public final Map<String, String> tags = new HashMap<>();
  private final Map<String, Map<String, CommandInvocation>> commands = new LinkedHashMap<>();
  private int commandCounter;

  /** The most instances DRAINING at once, over the fake's life. */
  public int maxDraining;

  /** Instances set DRAINING without the updater's record on them, which must never happen. */
  public final List<String> drainedWithoutRecord = new ArrayList<>();

  /** Fails the next calls of an operation with a fault, for error-path tests. */
  public final Map<String, AwsFault> faults = new HashMap<>();

  /** Faults that happen a given number of times, then the call works again. */
  private final Map<String, java.util.ArrayDeque<AwsFault>> passingFaults = new HashMap<>();

  /** {@code operation} fails with {@code fault} the next {@code times} calls, then works. */
  public void failTimes(String operation, AwsFault fault, int times) {
    java.util.ArrayDeque<AwsFault> q = new java.util.ArrayDeque<>();
    for (int i = 0; i < times; i++) {
      q.add(fault);
    }
    passingFaults.put(operation, q);
  }

  /** A Bottlerocket (or other) host and its container instance. */
  public final class Host {
    public final String id;
    public InstanceStatus status = InstanceStatus.ACTIVE;
    public boolean agentConnected = true;
    public boolean bottlerocket = true;
    public final Map<String, String> attributes = new HashMap<>();
    public final List<TaskInfo> tasks = new ArrayList<>();
    public Resources registered = new Resources(2048, 4096);
    public String active = Scene.OLD;
    public String offered = Scene.OLD;
    public String staged;
    public boolean ready;
    public boolean initialized = true;
    public Instant backAt;

    /** When true, the host returns from a reboot on the old version. */
    public boolean failsToBoot;

    /** When false, a drain never moves this host's service tasks. */
    public boolean drainsImmediately = true;

    /** How long a drain takes to move the service tasks. */
    public Duration drainTakes = Duration.ZERO;

    public Instant drainStarted;

    /** The Auto Scaling group of the host, if it is in one. */
    public String group;

    /** Whether the host is protected from scale-in in its group. */
    public boolean scaleInProtected;

    /** Task ARN to the end of its scale-in protection. */
    public final Map<String, Instant> protectedUntil = new HashMap<>();

    public final List<String> rebootedWithTasks = new ArrayList<>();

    Host(String id) {
      this.id = id;
    }

    public String arn() {
      return Scene.arn(id);
    }

    ContainerInstance describe() {
      drainProgress(this);
      if (backAt != null && !clock.instant().isBefore(backAt)) {
        agentConnected = true;
        backAt = null;
      }
      Map<String, String> attrs = new HashMap<>(attributes);
      if (bottlerocket) {
        attrs.put(ContainerInstance.VARIANT_ATTRIBUTE, "aws-ecs-2");
      }
      Resources used =
          tasks.stream()
              .filter(t -> !t.isStopped())
              .map(TaskInfo::reserved)
              .reduce(Resources.NONE, Resources::plus);
      return new ContainerInstance(
          arn(),
          Scene.ec2(id),
          status,
          agentConnected,
          attrs,
          registered,
          registered.minus(used),
          (int) tasks.stream().filter(t -> !t.isStopped()).count(),
          0,
          attrs.size());
    }

    String statusJson() {
      String state =
          ready
              ? "Ready"
              : staged != null ? "Staged" : offered.equals(active) ? "Idle" : "Available";
      String chosen =
          offered.equals(active)
              ? "null"
              : "{\"arch\":\"x86_64\",\"version\":\"" + offered + "\",\"variant\":\"aws-ecs-2\"}";
      String staging =
          staged == null
              ? "null"
              : "{\"image\":{\"arch\":\"x86_64\",\"version\":\""
                  + staged
                  + "\",\"variant\":\"aws-ecs-2\"},\"next_to_boot\":"
                  + ready
                  + "}";
      return "{\"update_state\":\""
          + state
          + "\",\"available_updates\":[\""
          + offered
          + "\"],\"chosen_update\":"
          + chosen
          + ",\"active_partition\":{\"image\":{\"arch\":\"x86_64\",\"version\":\""
          + active
          + "\",\"variant\":\"aws-ecs-2\"},\"next_to_boot\":"
          + !ready
          + "}"
          + ",\"staging_partition\":"
          + staging
          + ",\"most_recent_command\":{\"cmd_type\":\""
          + lastType
          + "\",\"cmd_status\":\"Success\",\"timestamp\":\""
          + clock.instant()
          + "#"
          + commandCounter
          + "\",\"exit_status\":0,\"stderr\":\"\"}}";
    }

    String lastType = "refresh";
  }

  public Host host(String id) {
    return hosts.computeIfAbsent(Scene.arn(id), a -> new Host(id));
  }

  public Sleeper sleeper() {
    return d -> clock.advance(d);
  }

  // ------------------------------------------------------------------ EcsPort

  /** Other clusters of the account, by name, with their tags (a PROMOTE_FROM cluster). */
  public final Map<String, Map<String, String>> otherClusters = new LinkedHashMap<>();

  @Override
  public ClusterInfo describeCluster(String cluster) {
    call("ecs:DescribeClusters");
    if (otherClusters.containsKey(cluster)) {
      return new ClusterInfo(
          "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster,
          cluster,
          "ACTIVE",
          otherClusters.get(cluster));
    }
    if (!cluster.equals(CLUSTER) && !cluster.equals("prod")) {
      throw new ClusterNotFoundException(cluster, "was not found (MISSING)");
    }
    return new ClusterInfo(CLUSTER, "prod", "ACTIVE", tags);
  }

  @Override
  public List<ContainerInstance> listContainerInstances(String clusterArn) {
    call("ecs:ListContainerInstances");
    return hosts.values().stream()
        .filter(h -> h.status == InstanceStatus.ACTIVE || h.status == InstanceStatus.DRAINING)
        .map(Host::describe)
        .toList();
  }

  @Override
  public List<ContainerInstance> describeContainerInstances(String clusterArn, List<String> arns) {
    call("ecs:DescribeContainerInstances");
    return arns.stream().map(hosts::get).filter(h -> h != null).map(Host::describe).toList();
  }

  @Override
  public List<TaskInfo> listTasks(String clusterArn, String containerInstanceArn) {
    call("ecs:ListTasks");
    Host h = hosts.get(containerInstanceArn);
    drainProgress(h);
    return List.copyOf(h.tasks);
  }

  /** A drain that has run for its time has moved the host's service tasks, daemons excepted. */
  private void drainProgress(Host h) {
    // A host a test set DRAINING by hand has no drain start: its tasks stay as the test left them.
    if (h.status == InstanceStatus.DRAINING
        && h.drainsImmediately
        && h.drainStarted != null
        && !clock.instant().isBefore(h.drainStarted.plus(h.drainTakes))) {
      h.tasks.replaceAll(
          t ->
              t.isServiceTask() && !isDaemon(t)
                  ? new TaskInfo(
                      t.arn(), t.startedBy(), t.group(), "STOPPED", "STOPPED", t.reserved())
                  : t);
    }
  }

  @Override
  public List<TaskProtection> taskProtection(String clusterArn, List<String> taskArns) {
    call("ecs:GetTaskProtection " + taskArns.size());
    List<TaskProtection> out = new ArrayList<>();
    for (String arn : taskArns) {
      Instant until =
          hosts.values().stream()
              .map(h -> h.protectedUntil.get(arn))
              .filter(t -> t != null)
              .findFirst()
              .orElse(null);
      out.add(
          until != null && clock.instant().isBefore(until)
              ? TaskProtection.protectedUntil(arn, Optional.of(until))
              : TaskProtection.notProtected(arn));
    }
    return out;
  }

  private boolean isDaemon(TaskInfo t) {
    return services.stream()
        .anyMatch(s -> s.daemon() && t.serviceName().filter(s.name()::equals).isPresent());
  }

  @Override
  public List<ServiceInfo> listServices(String clusterArn) {
    call("ecs:ListServices");
    return List.copyOf(services);
  }

  @Override
  public Map<String, String> updateInstancesState(
      String clusterArn, List<String> arns, InstanceStatus status) {
    call("ecs:UpdateContainerInstancesState " + ids(arns) + " " + status);
    for (String arn : arns) {
      Host h = hosts.get(arn);
      if (status == InstanceStatus.DRAINING && !h.attributes.containsKey(StateAttributes.STATE)) {
        drainedWithoutRecord.add(h.id);
      }
      if (status == InstanceStatus.DRAINING && h.status != InstanceStatus.DRAINING) {
        h.drainStarted = clock.instant();
      }
      if (status == InstanceStatus.DRAINING && h.group != null && !h.scaleInProtected) {
        drainedUnprotected.add(h.id);
      }
      h.status = status;
    }
    maxDraining =
        Math.max(
            maxDraining,
            (int) hosts.values().stream().filter(h -> h.status == InstanceStatus.DRAINING).count());
    return Map.of();
  }

  /** Hosts set DRAINING while in a group and not protected from scale-in. */
  public final List<String> drainedUnprotected = new ArrayList<>();

  /** Hosts protected from scale-in without the updater's record of what it found first. */
  public final List<String> protectedWithoutRecord = new ArrayList<>();

  // ------------------------------------------------------------------ AutoScalingPort

  @Override
  public List<AutoScalingInstance> describeInstances(List<String> instanceIds) {
    call("autoscaling:DescribeAutoScalingInstances " + String.join(",", instanceIds));
    return hosts.values().stream()
        .filter(h -> h.group != null && instanceIds.contains(Scene.ec2(h.id)))
        .map(
            h ->
                new AutoScalingInstance(
                    Scene.ec2(h.id), h.group, AutoScalingInstance.IN_SERVICE, h.scaleInProtected))
        .toList();
  }

  @Override
  public void setProtection(
      String groupName, List<String> instanceIds, boolean protectedFromScaleIn) {
    call(
        "autoscaling:SetInstanceProtection "
            + String.join(",", instanceIds)
            + " "
            + protectedFromScaleIn);
    for (String ec2 : instanceIds) {
      Host h = hosts.values().stream().filter(x -> Scene.ec2(x.id).equals(ec2)).findFirst().get();
      if (!groupName.equals(h.group)) {
        throw new AwsFault(
            AwsFault.Kind.INVALID_REQUEST,
            "autoscaling:SetInstanceProtection",
            "ValidationError: " + ec2 + " is not part of " + groupName,
            null);
      }
      String state = h.attributes.getOrDefault(StateAttributes.STATE, "");
      if (protectedFromScaleIn && !state.matches(".*/[A-Z]*S[A-Z]*$")) {
        protectedWithoutRecord.add(h.id);
      }
      h.scaleInProtected = protectedFromScaleIn;
    }
  }

  /** The attributes of each PutAttributes call, in order. */
  public final List<List<InstanceAttribute>> putAttributesCalls = new ArrayList<>();

  /** The phase or failure reason of a record value, after its format number. */
  private static String head(String value) {
    String[] p = value.split("/");
    return p[0].matches("\\d+") && p.length > 1 ? p[1] : p[0];
  }

  @Override
  public void putAttributes(String clusterArn, List<InstanceAttribute> attributes) {
    putAttributesCalls.add(List.copyOf(attributes));
    for (InstanceAttribute a : attributes) {
      call(
          "ecs:PutAttributes "
              + id(a.containerInstanceArn())
              + " "
              + shortName(a.name())
              + "="
              + head(a.value()));
      hosts.get(a.containerInstanceArn()).attributes.put(a.name(), a.value());
    }
  }

  @Override
  public void deleteAttributes(String clusterArn, List<InstanceAttribute> attributes) {
    for (InstanceAttribute a : attributes) {
      call("ecs:DeleteAttributes " + id(a.containerInstanceArn()) + " " + shortName(a.name()));
      hosts.get(a.containerInstanceArn()).attributes.remove(a.name());
    }
  }

  @Override
  public void tagCluster(String clusterArn, Map<String, String> newTags) {
    call("ecs:TagResource");
    tags.putAll(newTags);
  }

  // ------------------------------------------------------------------ CloudWatchPort

  /** The account's alarms, by name. */
  public final Map<String, AlarmState> alarms = new LinkedHashMap<>();

  @Override
  public List<AlarmState> alarms(List<String> names) {
    call("cloudwatch:DescribeAlarms");
    return names.stream().filter(alarms::containsKey).map(alarms::get).toList();
  }

  @Override
  public List<AlarmState> alarmsWithPrefix(String prefix) {
    call("cloudwatch:DescribeAlarms");
    return alarms.values().stream().filter(a -> a.name().startsWith(prefix)).toList();
  }

  /** Sets an alarm's state now. */
  public void alarm(String name, AlarmState.State state) {
    alarms.put(name, new AlarmState(name, state, clock.instant()));
  }

  // ------------------------------------------------------------------ SsmPort

  /** Change calendars by name: open or closed. */
  public final Map<String, Boolean> calendars = new LinkedHashMap<>();

  /** When the calendars' combined state changes next, as GetCalendarState says. */
  public Optional<Instant> calendarChange = Optional.empty();

  @Override
  public CalendarState calendarState(List<String> names) {
    call("ssm:GetCalendarState");
    for (String n : names) {
      if (!calendars.containsKey(n)) {
        throw new AwsFault(
            AwsFault.Kind.NOT_FOUND,
            "ssm:GetCalendarState",
            "InvalidDocument: Document with name " + n + " does not exist.",
            null);
      }
    }
    return new CalendarState(names.stream().allMatch(calendars::get), calendarChange);
  }

  /** Public parameters (Bottlerocket's), by name. */
  public final Map<String, ParameterValue> publicParameters = new LinkedHashMap<>();

  /** Publishes a release's public parameter for aws-ecs-2 on x86_64 at {@code at}. */
  public void published(String version, Instant at) {
    String name = "/aws/service/bottlerocket/aws-ecs-2/x86_64/" + version + "/image_id";
    publicParameters.put(name, new ParameterValue(name, "ami-0123", at));
  }

  @Override
  public Map<String, ParameterValue> parameters(List<String> names) {
    call("ssm:GetParameters");
    Map<String, ParameterValue> out = new LinkedHashMap<>();
    names.stream()
        .filter(publicParameters::containsKey)
        .forEach(n -> out.put(n, publicParameters.get(n)));
    return out;
  }

  /** SSM parameters by name, as {@code GetParameter} reads them. */
  public final Map<String, String> parameters = new LinkedHashMap<>();

  @Override
  public Optional<String> parameter(String name) {
    call("ssm:GetParameter " + name);
    return Optional.ofNullable(parameters.get(name));
  }

  @Override
  public String sendCommand(HostCommand command, List<String> instanceIds, String comment) {
    call("ssm:SendCommand " + command + " " + String.join(",", instanceIds));
    String id = "cmd-" + (++commandCounter);
    Map<String, CommandInvocation> results = new LinkedHashMap<>();
    for (String ec2 : instanceIds) {
      Host h =
          hosts.values().stream()
              .filter(x -> Scene.ec2(x.id).equals(ec2))
              .findFirst()
              .orElseThrow();
      results.put(ec2, run(h, command, id));
    }
    commands.put(id, results);
    return id;
  }

  /** A command's replies in one call, as SSM pages them (one page holds a command of 50 hosts). */
  @Override
  public List<CommandInvocation> invocations(String commandId, List<String> instanceIds) {
    call("ssm:ListCommandInvocations");
    Map<String, CommandInvocation> r = commands.get(commandId);
    return instanceIds.stream()
        .map(id -> r.getOrDefault(id, CommandInvocation.pending(commandId, id)))
        .toList();
  }

  @Override
  public CommandInvocation invocation(String commandId, String instanceId) {
    call("ssm:GetCommandInvocation");
    return commands.get(commandId).get(instanceId);
  }

  private CommandInvocation run(Host h, HostCommand command, String id) {
    String ec2 = Scene.ec2(h.id);
    if (!h.agentConnected) {
      return new CommandInvocation(id, ec2, InvocationStatus.UNDELIVERABLE, "", "");
    }
    switch (command) {
      case CHECK -> {
        h.initialized = true;
        h.lastType = "refresh";
        return ok(id, ec2, h.statusJson());
      }
      case STATUS -> {
        if (!h.initialized) {
          return failed(
              id,
              ec2,
              "Failed GET request to '/updates/status': Status 404 when GETing /updates/status: Update status is uninitialized, refresh-updates to initialize it");
        }
        return ok(id, ec2, h.statusJson());
      }
      case PREPARE -> {
        h.lastType = "refresh";
        String check = h.statusJson();
        if (h.offered.equals(h.active)) {
          return new CommandInvocation(
              id,
              ec2,
              InvocationStatus.FAILED,
              check,
              "Failed POST request to '/actions/prepare-update': Status 409 when POSTing /actions/prepare-update: Update action not allowed according to update state");
        }
        h.staged = h.offered;
        h.lastType = "prepare";
        return ok(id, ec2, check);
      }
      case ACTIVATE -> {
        if (h.staged == null || h.ready) {
          return failed(
              id,
              ec2,
              "Status 409 when POSTing /actions/activate-update: Update action not allowed according to update state");
        }
        h.ready = true;
        h.lastType = "activate";
        return ok(id, ec2, "");
      }
      case CANCEL -> {
        h.ready = false;
        h.lastType = "deactivate";
        return ok(id, ec2, "");
      }
      case REBOOT -> {
        if (!h.ready) {
          return failed(id, ec2, "refusing to reboot: update state is not Ready");
        }
        h.tasks.stream()
            .filter(t -> !t.isStopped() && !isDaemon(t))
            .forEach(t -> h.rebootedWithTasks.add(t.arn()));
        if (!h.failsToBoot) {
          h.active = h.staged;
        }
        h.staged = null;
        h.ready = false;
        h.initialized = false;
        h.agentConnected = false;
        h.backAt = clock.instant().plus(Duration.ofSeconds(90));
        return new CommandInvocation(id, ec2, InvocationStatus.IN_PROGRESS, "", "");
      }
    }
    throw new IllegalStateException(command.name());
  }

  private static CommandInvocation ok(String id, String ec2, String stdout) {
    return new CommandInvocation(id, ec2, InvocationStatus.SUCCESS, stdout, "");
  }

  private static CommandInvocation failed(String id, String ec2, String stderr) {
    return new CommandInvocation(id, ec2, InvocationStatus.FAILED, "", stderr);
  }

  // ------------------------------------------------------------------ helpers

  private void call(String what) {
    String op = what.split(" ")[0];
    AwsFault fault = faults.get(op);
    if (fault == null && passingFaults.containsKey(op)) {
      fault = passingFaults.get(op).poll();
    }
    if (fault != null) {
      log.add(what + " -> " + fault.kind());
      throw fault;
    }
    log.add(what);
  }

  /** The log without reads, for asserting the order of changes. */
  public List<String> changes() {
    return log.stream()
        .filter(
            l ->
                l.startsWith("ecs:PutAttributes")
                    || l.startsWith("ecs:DeleteAttributes")
                    || l.startsWith("ecs:UpdateContainerInstancesState")
                    || l.startsWith("autoscaling:SetInstanceProtection")
                    || (l.startsWith("ssm:SendCommand")
                        && !l.contains(" CHECK ")
                        && !l.contains(" STATUS ")))
        .toList();
  }

  private static String id(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  private static String ids(List<String> arns) {
    return String.join(",", arns.stream().map(FakeCluster::id).toList());
  }

  private static String shortName(String name) {
    return name.startsWith(StateAttributes.ATTRIBUTE_PREFIX)
        ? name.substring(StateAttributes.ATTRIBUTE_PREFIX.length())
        : name;
  }

  /** A clock that only moves when told to. */
  public static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
