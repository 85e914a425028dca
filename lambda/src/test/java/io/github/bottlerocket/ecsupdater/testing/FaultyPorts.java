package io.github.bottlerocket.ecsupdater.testing;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A {@link FakeCluster} behind ports that fail chosen calls with an {@link AwsFault}, as a call
 * that failed after the SDK's retries: either before it reached AWS (the cluster never sees it) or
 * after AWS carried it out and the answer was lost (a call that timed out). Each call is described
 * as {@code operation detail}, e.g. {@code ecs:PutAttributes
 * a:bottlerocket-ecs-updater.state=2/REBOOTING/...} or {@code ssm:SendCommand REBOOT i-a}.
 */
public final class FaultyPorts implements EcsPort, SsmPort {
  private final FakeCluster cluster;
  private final List<String> calls = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private Predicate<String> failWhen = call -> false;
  private AwsFault.Kind kind = AwsFault.Kind.THROTTLED;
  private When when = When.BEFORE;
  private int failuresLeft;

  /** Where the fault strikes. */
  public enum When {
    /** The call never reaches the cluster. */
    BEFORE,
    /** The cluster carries the call out; its answer is lost. */
    AFTER
  }

  public FaultyPorts(FakeCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Fails the first call (from now on) that {@code matches}, once, with {@code kind}, {@code when}
   * it says.
   */
  public FaultyPorts failOnce(Predicate<String> matches, AwsFault.Kind kind, When when) {
    this.failWhen = matches;
    this.kind = kind;
    this.when = when;
    this.failuresLeft = 1;
    return this;
  }

  /** Fails the {@code n}-th call from now on (1 is the next), once. */
  public FaultyPorts failCall(int n, AwsFault.Kind kind, When when) {
    int target = calls.size() + n;
    return failOnce(call -> calls.size() == target, kind, when);
  }

  /** Every call made through these ports, failed ones included, in order. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** The calls that were failed. */
  public List<String> failed() {
    return List.copyOf(failed);
  }

  private <T> T call(String operation, String detail, Supplier<T> onCluster) {
    String call = detail.isEmpty() ? operation : operation + " " + detail;
    calls.add(call);
    if (failuresLeft == 0 || !failWhen.test(call)) {
      return onCluster.get();
    }
    failuresLeft--;
    failed.add(call);
    if (when == When.AFTER) {
      onCluster.get();
    }
    throw new AwsFault(kind, operation, "injected " + kind + " " + when.name().toLowerCase(), null);
  }

  private void run(String operation, String detail, Runnable onCluster) {
    call(
        operation,
        detail,
        () -> {
          onCluster.run();
          return null;
        });
  }

  private static String id(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  // ------------------------------------------------------------------ EcsPort

  @Override
  public ClusterInfo describeCluster(String clusterRef) {
    return call("ecs:DescribeClusters", clusterRef, () -> cluster.describeCluster(clusterRef));
  }

  @Override
  public List<ContainerInstance> listContainerInstances(String clusterArn) {
    return call("ecs:ListContainerInstances", "", () -> cluster.listContainerInstances(clusterArn));
  }

  @Override
  public List<ContainerInstance> describeContainerInstances(String clusterArn, List<String> arns) {
    return call(
        "ecs:DescribeContainerInstances",
        arns.stream().map(FaultyPorts::id).collect(Collectors.joining(",")),
        () -> cluster.describeContainerInstances(clusterArn, arns));
  }

  @Override
  public List<TaskInfo> listTasks(String clusterArn, String containerInstanceArn) {
    return call(
        "ecs:ListTasks",
        id(containerInstanceArn),
        () -> cluster.listTasks(clusterArn, containerInstanceArn));
  }

  @Override
  public List<ServiceInfo> listServices(String clusterArn) {
    return call("ecs:ListServices", "", () -> cluster.listServices(clusterArn));
  }

  @Override
  public Map<String, String> updateInstancesState(
      String clusterArn, List<String> arns, InstanceStatus status) {
    return call(
        "ecs:UpdateContainerInstancesState",
        arns.stream().map(FaultyPorts::id).collect(Collectors.joining(",")) + " " + status,
        () -> cluster.updateInstancesState(clusterArn, arns, status));
  }

  @Override
  public void putAttributes(String clusterArn, List<InstanceAttribute> attributes) {
    run(
        "ecs:PutAttributes",
        describe(attributes),
        () -> cluster.putAttributes(clusterArn, attributes));
  }

  @Override
  public void deleteAttributes(String clusterArn, List<InstanceAttribute> attributes) {
    run(
        "ecs:DeleteAttributes",
        describe(attributes),
        () -> cluster.deleteAttributes(clusterArn, attributes));
  }

  private static String describe(List<InstanceAttribute> attributes) {
    return attributes.stream()
        .map(
            a ->
                id(a.containerInstanceArn())
                    + ":"
                    + a.name()
                    + (a.value() == null ? "" : "=" + a.value()))
        .collect(Collectors.joining(","));
  }

  @Override
  public void tagCluster(String clusterArn, Map<String, String> tags) {
    run(
        "ecs:TagResource",
        String.join(",", tags.keySet()),
        () -> cluster.tagCluster(clusterArn, tags));
  }

  // ------------------------------------------------------------------ SsmPort

  @Override
  public String sendCommand(HostCommand command, List<String> instanceIds, String comment) {
    return call(
        "ssm:SendCommand",
        command + " " + String.join(",", instanceIds),
        () -> cluster.sendCommand(command, instanceIds, comment));
  }

  @Override
  public CommandProgress commandProgress(String commandId) {
    return call("ssm:ListCommands", commandId, () -> cluster.commandProgress(commandId));
  }

  @Override
  public CommandInvocation invocation(String commandId, String instanceId) {
    return call(
        "ssm:GetCommandInvocation",
        commandId + " " + instanceId,
        () -> cluster.invocation(commandId, instanceId));
  }

  @Override
  public Optional<String> parameter(String name) {
    return call("ssm:GetParameter", name, () -> cluster.parameter(name));
  }
}
