package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import io.github.bottlerocket.ecsupdater.port.ClusterNotFoundException;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ProtectedTask;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.SchedulingStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * {@link EcsPort} over the AWS SDK. Batches as ECS allows (100 instances or tasks, 10 services, 10
 * attributes per call) and pages with the SDK's paginators.
 */
public final class EcsAdapter implements EcsPort {
  static final int DESCRIBE_BATCH = 100;
  static final int SERVICES_BATCH = 10;
  static final int ATTRIBUTES_BATCH = 10;

  private final EcsClient ecs;

  public EcsAdapter(EcsClient ecs) {
    this.ecs = ecs;
  }

  @Override
  public ClusterInfo describeCluster(String cluster) {
    var response =
        call(
            "ecs:DescribeClusters",
            () -> ecs.describeClusters(r -> r.clusters(cluster).include(ClusterField.TAGS)));
    if (response.clusters().isEmpty()) {
      String reason =
          response.failures().stream().map(Failure::reason).findFirst().orElse("MISSING");
      throw new ClusterNotFoundException(cluster, "was not found (" + reason + ")");
    }
    Cluster c = response.clusters().get(0);
    if ("INACTIVE".equals(c.status())) {
      throw new ClusterNotFoundException(cluster, "is INACTIVE (deleted)");
    }
    Map<String, String> tags = new HashMap<>();
    for (Tag t : c.tags()) {
      if (t.key() != null && t.key().startsWith(StateAttributes.TAG_PREFIX)) {
        tags.put(t.key(), t.value() == null ? "" : t.value());
      }
    }
    return new ClusterInfo(c.clusterArn(), c.clusterName(), c.status(), tags);
  }

  @Override
  public List<ContainerInstance> listContainerInstances(String clusterArn) {
    // One listing without a status filter: ECS then lists every instance that is not INACTIVE
    // (ACTIVE and DRAINING, and the few registering or deregistering), which costs half the pages
    // of listing ACTIVE and DRAINING apart in a small cluster and one page less in a large one.
    Set<String> arns = new LinkedHashSet<>();
    call(
        "ecs:ListContainerInstances",
        () -> {
          ecs.listContainerInstancesPaginator(r -> r.cluster(clusterArn).maxResults(100))
              .containerInstanceArns()
              .forEach(arns::add);
          return null;
        });
    // The described status decides: the listing may hold instances in other states.
    return describeContainerInstances(clusterArn, new ArrayList<>(arns)).stream()
        .filter(i -> i.status() == InstanceStatus.ACTIVE || i.status() == InstanceStatus.DRAINING)
        .toList();
  }

  @Override
  public List<ContainerInstance> describeContainerInstances(String clusterArn, List<String> arns) {
    Map<String, ContainerInstance> byArn = new TreeMap<>();
    for (List<String> batch : batches(arns, DESCRIBE_BATCH)) {
      var response =
          call(
              "ecs:DescribeContainerInstances",
              () ->
                  ecs.describeContainerInstances(
                      r -> r.cluster(clusterArn).containerInstances(batch)));
      for (var ci : response.containerInstances()) {
        byArn.put(ci.containerInstanceArn(), toInstance(ci));
      }
    }
    return List.copyOf(byArn.values());
  }

  @Override
  public List<TaskInfo> listTasks(String clusterArn, String containerInstanceArn) {
    Set<String> arns = new LinkedHashSet<>();
    for (DesiredStatus desired : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
      call(
          "ecs:ListTasks",
          () -> {
            ecs.listTasksPaginator(
                    r ->
                        r.cluster(clusterArn)
                            .containerInstance(containerInstanceArn)
                            .desiredStatus(desired))
                .taskArns()
                .forEach(arns::add);
            return null;
          });
    }
    List<TaskInfo> tasks = new ArrayList<>();
    for (List<String> batch : batches(new ArrayList<>(arns), DESCRIBE_BATCH)) {
      var response =
          call(
              "ecs:DescribeTasks",
              () -> ecs.describeTasks(r -> r.cluster(clusterArn).tasks(batch)));
      for (Task t : response.tasks()) {
        // A task told to stop still runs until its last status is STOPPED.
        boolean relevant = "RUNNING".equals(t.desiredStatus()) || !"STOPPED".equals(t.lastStatus());
        if (relevant && containerInstanceArn.equals(t.containerInstanceArn())) {
          tasks.add(
              new TaskInfo(
                  t.taskArn(),
                  t.startedBy(),
                  t.group(),
                  t.lastStatus(),
                  t.desiredStatus(),
                  reserved(t)));
        }
      }
    }
    return tasks;
  }

  @Override
  public List<TaskProtection> taskProtection(String clusterArn, List<String> taskArns) {
    Map<String, TaskProtection> byArn = new HashMap<>();
    for (List<String> batch : batches(taskArns, TASK_PROTECTION_BATCH)) {
      var response =
          call(
              "ecs:GetTaskProtection",
              () -> ecs.getTaskProtection(r -> r.cluster(clusterArn).tasks(batch)));
      for (ProtectedTask p : response.protectedTasks()) {
        byArn.put(
            p.taskArn(),
            Boolean.TRUE.equals(p.protectionEnabled())
                ? TaskProtection.protectedUntil(
                    p.taskArn(), Optional.ofNullable(p.expirationDate()))
                : TaskProtection.notProtected(p.taskArn()));
      }
      for (Failure f : response.failures()) {
        // A task that stopped since it was listed is MISSING: it is gone, so it holds nothing.
        byArn.put(
            f.arn(),
            "MISSING".equals(f.reason())
                ? TaskProtection.notProtected(f.arn())
                : TaskProtection.unknown(
                    f.arn(), f.reason() + (f.detail() == null ? "" : ": " + f.detail())));
      }
    }
    // A task ECS does not mention at all is unknown, and so holds the drain.
    return taskArns.stream()
        .map(arn -> byArn.getOrDefault(arn, TaskProtection.unknown(arn, "not in ECS's answer")))
        .toList();
  }

  @Override
  public List<ServiceInfo> listServices(String clusterArn) {
    List<String> arns = new ArrayList<>();
    call(
        "ecs:ListServices",
        () -> {
          ecs.listServicesPaginator(r -> r.cluster(clusterArn)).serviceArns().forEach(arns::add);
          return null;
        });
    List<ServiceInfo> services = new ArrayList<>();
    for (List<String> batch : batches(arns, SERVICES_BATCH)) {
      var response =
          call(
              "ecs:DescribeServices",
              () -> ecs.describeServices(r -> r.cluster(clusterArn).services(batch)));
      for (Service s : response.services()) {
        if ("INACTIVE".equals(s.status())) {
          continue;
        }
        services.add(
            new ServiceInfo(
                s.serviceName(),
                s.schedulingStrategy() == SchedulingStrategy.DAEMON,
                s.desiredCount() == null ? 0 : s.desiredCount(),
                s.runningCount() == null ? 0 : s.runningCount()));
      }
    }
    return services;
  }

  @Override
  public Map<String, String> updateInstancesState(
      String clusterArn, List<String> containerInstanceArns, InstanceStatus status) {
    var response =
        call(
            "ecs:UpdateContainerInstancesState",
            () ->
                ecs.updateContainerInstancesState(
                    r ->
                        r.cluster(clusterArn)
                            .containerInstances(containerInstanceArns)
                            .status(status.name())));
    Map<String, String> refused = new LinkedHashMap<>();
    for (Failure f : response.failures()) {
      refused.put(f.arn(), f.reason() + (f.detail() == null ? "" : ": " + f.detail()));
    }
    return refused;
  }

  @Override
  public void putAttributes(String clusterArn, List<EcsPort.InstanceAttribute> attributes) {
    for (List<EcsPort.InstanceAttribute> batch : batches(attributes, ATTRIBUTES_BATCH)) {
      call(
          "ecs:PutAttributes",
          () -> ecs.putAttributes(r -> r.cluster(clusterArn).attributes(toSdk(batch, true))));
    }
  }

  @Override
  public void deleteAttributes(String clusterArn, List<EcsPort.InstanceAttribute> attributes) {
    for (List<EcsPort.InstanceAttribute> batch : batches(attributes, ATTRIBUTES_BATCH)) {
      call(
          "ecs:DeleteAttributes",
          () -> ecs.deleteAttributes(r -> r.cluster(clusterArn).attributes(toSdk(batch, false))));
    }
  }

  @Override
  public void tagCluster(String clusterArn, Map<String, String> tags) {
    List<Tag> sdkTags =
        tags.entrySet().stream()
            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
    call("ecs:TagResource", () -> ecs.tagResource(r -> r.resourceArn(clusterArn).tags(sdkTags)));
  }

  private static List<Attribute> toSdk(List<EcsPort.InstanceAttribute> batch, boolean withValue) {
    // The full container instance ARN as target id, without a target type: both AWS and
    // emulators accept that form.
    return batch.stream()
        .map(
            a ->
                Attribute.builder()
                    .targetId(a.containerInstanceArn())
                    .name(a.name())
                    .value(withValue ? a.value() : null)
                    .build())
        .toList();
  }

  private static ContainerInstance toInstance(
      software.amazon.awssdk.services.ecs.model.ContainerInstance ci) {
    Map<String, String> attributes = new HashMap<>();
    int custom = 0;
    for (Attribute a : ci.attributes()) {
      String name = a.name();
      if (name != null && !ContainerInstance.isBuiltIn(name)) {
        custom++;
      }
      // ECS allows an attribute without a value (its presence is what counts, as for the
      // opt-out); it is kept as the empty value, which ECS never stores otherwise.
      if (name != null
          && (name.equals(ContainerInstance.VARIANT_ATTRIBUTE)
              || name.equals(ContainerInstance.ARCHITECTURE_ATTRIBUTE)
              || name.startsWith(StateAttributes.ATTRIBUTE_PREFIX))) {
        attributes.put(name, a.value() == null ? "" : a.value());
      }
    }
    return new ContainerInstance(
        ci.containerInstanceArn(),
        ci.ec2InstanceId(),
        InstanceStatus.fromWire(ci.status()),
        Boolean.TRUE.equals(ci.agentConnected()),
        attributes,
        resources(ci.registeredResources()),
        resources(ci.remainingResources()),
        ci.runningTasksCount() == null ? 0 : ci.runningTasksCount(),
        ci.pendingTasksCount() == null ? 0 : ci.pendingTasksCount(),
        custom);
  }

  private static Resources resources(List<Resource> list) {
    int cpu = 0;
    int memory = 0;
    for (Resource r : list) {
      if ("CPU".equals(r.name()) && r.integerValue() != null) {
        cpu = r.integerValue();
      } else if ("MEMORY".equals(r.name()) && r.integerValue() != null) {
        memory = r.integerValue();
      }
    }
    return new Resources(cpu, memory);
  }

  /** Task-level CPU and memory when set, otherwise the sum over its containers. */
  static Resources reserved(Task t) {
    Integer cpu = number(t.cpu());
    Integer memory = number(t.memory());
    if (cpu != null && memory != null) {
      return new Resources(cpu, memory);
    }
    int c = 0;
    int m = 0;
    for (Container container : t.containers()) {
      Integer cc = number(container.cpu());
      Integer hard = number(container.memory());
      Integer soft = number(container.memoryReservation());
      c += cc == null ? 0 : cc;
      m += Math.max(hard == null ? 0 : hard, soft == null ? 0 : soft);
    }
    return new Resources(cpu != null ? cpu : c, memory != null ? memory : m);
  }

  private static Integer number(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(value.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static <T> List<List<T>> batches(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      out.add(List.copyOf(items.subList(i, Math.min(i + size, items.size()))));
    }
    return out;
  }

  private static <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw AwsErrors.map(operation, e);
    }
  }
}
