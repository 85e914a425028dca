package io.github.bottlerocket.ecsupdater.app;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.ParameterValue;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ports that run a check before every call that changes the cluster, and pass reads through: the
 * lease's last word before each write. The check throws to stop the call.
 */
final class GuardedPorts {
  /** The host commands that only read: the update check and the status read. */
  private static final Set<HostCommand> READ_ONLY = Set.of(HostCommand.CHECK, HostCommand.STATUS);

  private GuardedPorts() {}

  /** ECS, with attribute writes, state changes and tags guarded. */
  record Ecs(EcsPort inner, Runnable guard) implements EcsPort {
    @Override
    public ClusterInfo describeCluster(String cluster) {
      return inner.describeCluster(cluster);
    }

    @Override
    public List<ContainerInstance> listContainerInstances(String clusterArn) {
      return inner.listContainerInstances(clusterArn);
    }

    @Override
    public List<ContainerInstance> describeContainerInstances(
        String clusterArn, List<String> arns) {
      return inner.describeContainerInstances(clusterArn, arns);
    }

    @Override
    public List<TaskInfo> listTasks(String clusterArn, String containerInstanceArn) {
      return inner.listTasks(clusterArn, containerInstanceArn);
    }

    @Override
    public List<ServiceInfo> listServices(String clusterArn) {
      return inner.listServices(clusterArn);
    }

    @Override
    public List<TaskProtection> taskProtection(String clusterArn, List<String> taskArns) {
      return inner.taskProtection(clusterArn, taskArns);
    }

    @Override
    public Map<String, String> updateInstancesState(
        String clusterArn, List<String> containerInstanceArns, InstanceStatus status) {
      guard.run();
      return inner.updateInstancesState(clusterArn, containerInstanceArns, status);
    }

    @Override
    public void putAttributes(String clusterArn, List<InstanceAttribute> attributes) {
      guard.run();
      inner.putAttributes(clusterArn, attributes);
    }

    @Override
    public void deleteAttributes(String clusterArn, List<InstanceAttribute> attributes) {
      guard.run();
      inner.deleteAttributes(clusterArn, attributes);
    }

    @Override
    public void tagCluster(String clusterArn, Map<String, String> tags) {
      guard.run();
      inner.tagCluster(clusterArn, tags);
    }
  }

  /** SSM, with every host command but the read-only ones guarded. */
  record Ssm(SsmPort inner, Runnable guard) implements SsmPort {
    @Override
    public String sendCommand(HostCommand command, List<String> instanceIds, String comment) {
      if (!READ_ONLY.contains(command)) {
        guard.run();
      }
      return inner.sendCommand(command, instanceIds, comment);
    }

    @Override
    public CommandInvocation invocation(String commandId, String instanceId) {
      return inner.invocation(commandId, instanceId);
    }

    @Override
    public List<CommandInvocation> invocations(String commandId, List<String> instanceIds) {
      return inner.invocations(commandId, instanceIds);
    }

    @Override
    public Optional<String> parameter(String name) {
      return inner.parameter(name);
    }

    @Override
    public Map<String, ParameterValue> parameters(List<String> names) {
      return inner.parameters(names);
    }

    @Override
    public CalendarState calendarState(List<String> calendars) {
      return inner.calendarState(calendars);
    }
  }

  /** Auto Scaling, with protection changes guarded. */
  record AutoScaling(AutoScalingPort inner, Runnable guard) implements AutoScalingPort {
    @Override
    public List<AutoScalingInstance> describeInstances(List<String> instanceIds) {
      return inner.describeInstances(instanceIds);
    }

    @Override
    public void setProtection(
        String groupName, List<String> instanceIds, boolean protectedFromScaleIn) {
      guard.run();
      inner.setProtection(groupName, instanceIds, protectedFromScaleIn);
    }
  }
}
