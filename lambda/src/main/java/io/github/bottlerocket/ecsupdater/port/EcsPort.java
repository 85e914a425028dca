package io.github.bottlerocket.ecsupdater.port;

import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import java.util.List;
import java.util.Map;

/** The ECS calls the updater makes, in the project's own types. */
public interface EcsPort {

  /**
   * Tasks per GetTaskProtection call: the limit the simulated endpoint enforces
   * (UpdateTaskProtection's limit); AWS's API reference allows 100 for GetTaskProtection.
   */
  int TASK_PROTECTION_BATCH = 10;

  /**
   * Describes a cluster with the updater's tags.
   *
   * @param cluster a cluster name or ARN
   * @throws ClusterNotFoundException if there is no such cluster, or it is INACTIVE
   */
  ClusterInfo describeCluster(String cluster);

  /** Every ACTIVE and DRAINING container instance of the cluster, described, ordered by ARN. */
  List<ContainerInstance> listContainerInstances(String clusterArn);

  /** Describes these container instances again (at most 100 per call underneath). */
  List<ContainerInstance> describeContainerInstances(String clusterArn, List<String> arns);

  /**
   * The tasks on one container instance that are running or still stopping: those with a desired
   * status of RUNNING and those told to stop whose last status is not yet STOPPED.
   */
  List<TaskInfo> listTasks(String clusterArn, String containerInstanceArn);

  /**
   * The scale-in protection of these tasks ({@code GetTaskProtection}, at most {@value
   * #TASK_PROTECTION_BATCH} tasks per call underneath). The updater only reads it; it never changes
   * anyone's protection.
   *
   * @return one entry per task asked about, in that order
   */
  List<TaskProtection> taskProtection(String clusterArn, List<String> taskArns);

  /** Every service of the cluster. */
  List<ServiceInfo> listServices(String clusterArn);

  /**
   * Sets container instances ACTIVE or DRAINING.
   *
   * @return the instances ECS refused, ARN to ECS's reason (for example {@code INACTIVE})
   */
  Map<String, String> updateInstancesState(
      String clusterArn, List<String> containerInstanceArns, InstanceStatus status);

  /**
   * Writes custom attributes on container instances.
   *
   * @throws AwsFault of kind {@link AwsFault.Kind#ATTRIBUTE_LIMIT} when an instance already has 10
   *     custom attributes
   */
  void putAttributes(String clusterArn, List<InstanceAttribute> attributes);

  /** Deletes custom attributes; deleting one that is not there is not an error. */
  void deleteAttributes(String clusterArn, List<InstanceAttribute> attributes);

  /** Adds or replaces tags on the cluster. */
  void tagCluster(String clusterArn, Map<String, String> tags);

  /**
   * A custom attribute of a container instance.
   *
   * @param containerInstanceArn the instance
   * @param name the attribute name
   * @param value the value; ignored when deleting
   */
  record InstanceAttribute(String containerInstanceArn, String name, String value) {}
}
