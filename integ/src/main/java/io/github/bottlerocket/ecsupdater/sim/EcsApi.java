package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ECS operations the updater uses, over the {@link SimulatedCluster}, with ECS's request
 * limits: pages of at most 100 (ListServices: 10 by default), at most 100 instances or tasks and 10
 * services per describe, 10 instances per state change, 10 attributes per call and 10 custom
 * attributes per container instance.
 */
final class EcsApi {
  static final String PREFIX = "AmazonEC2ContainerServiceV20141113";
  static final Set<String> MUTATING =
      Set.of(
          "UpdateContainerInstancesState",
          "PutAttributes",
          "DeleteAttributes",
          "TagResource",
          "UpdateTaskProtection");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_.\\-/\\\\]{1,128}");
  private static final Pattern ATTRIBUTE_VALUE = Pattern.compile("[A-Za-z0-9_.\\-@/\\\\: ]{1,128}");
  private static final int CUSTOM_ATTRIBUTE_LIMIT = 10;

  private final SimulatedCluster c;
  private final EcsTaskProtectionApi protection;

  EcsApi(SimulatedCluster cluster) {
    this.c = cluster;
    this.protection = new EcsTaskProtectionApi(cluster);
  }

  JsonNode handle(String operation, JsonNode r) {
    synchronized (c) {
      c.catchUp();
      JsonNode out =
          switch (operation) {
            case "DescribeClusters" -> describeClusters(r);
            case "ListContainerInstances" -> listContainerInstances(r);
            case "DescribeContainerInstances" -> describeContainerInstances(r);
            case "ListTasks" -> listTasks(r);
            case "DescribeTasks" -> describeTasks(r);
            case "ListServices" -> listServices(r);
            case "DescribeServices" -> describeServices(r);
            case "UpdateContainerInstancesState" -> updateState(r);
            case "PutAttributes" -> putAttributes(r);
            case "DeleteAttributes" -> deleteAttributes(r);
            case "TagResource" -> tagResource(r);
            case "GetTaskProtection", "UpdateTaskProtection" -> {
              cluster(r);
              yield protection.handle(operation, r);
            }
            default -> throw AwsEndpoint.unknownOperation(PREFIX, operation);
          };
      if (MUTATING.contains(operation)) {
        c.apiChanged("ecs:" + operation);
      }
      return out;
    }
  }

  // ------------------------------------------------------------------ clusters

  private JsonNode describeClusters(JsonNode r) {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode clusters = out.putArray("clusters");
    ArrayNode failures = out.putArray("failures");
    List<String> names = strings(r, "clusters");
    if (names.isEmpty()) {
      names = List.of("default");
    }
    limit(names, 100, "clusters");
    boolean tags = strings(r, "include").contains("TAGS");
    for (String n : names) {
      Optional<Map.Entry<String, Map<String, String>>> other = c.otherCluster(n);
      if (!matchesCluster(n) && other.isPresent()) {
        // Another cluster of the account: only its name and tags are modelled.
        String name = other.get().getKey();
        ObjectNode cl = clusters.addObject();
        cl.put("clusterArn", SimulatedCluster.clusterArn(name))
            .put("clusterName", name)
            .put("status", "ACTIVE");
        if (tags) {
          ArrayNode t = cl.putArray("tags");
          other.get().getValue().forEach((k, v) -> t.addObject().put("key", k).put("value", v));
        }
        continue;
      }
      if (!matchesCluster(n)) {
        failures
            .addObject()
            .put(
                "arn",
                n.startsWith("arn:")
                    ? n
                    : "arn:aws:ecs:"
                        + SimulatedCluster.REGION
                        + ":"
                        + SimulatedCluster.ACCOUNT
                        + ":cluster/"
                        + n)
            .put("reason", "MISSING");
        continue;
      }
      ObjectNode cl = clusters.addObject();
      cl.put("clusterArn", c.arn).put("clusterName", c.name).put("status", "ACTIVE");
      cl.put("registeredContainerInstancesCount", c.instances.size());
      cl.put(
          "runningTasksCount",
          c.tasks.stream().filter(t -> t.status == SimTask.Status.RUNNING).count());
      cl.put(
          "pendingTasksCount",
          c.tasks.stream().filter(t -> t.status == SimTask.Status.PENDING).count());
      cl.put("activeServicesCount", c.services.size());
      if (tags) {
        ArrayNode t = cl.putArray("tags");
        c.tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
      }
    }
    return out;
  }

  private JsonNode tagResource(JsonNode r) {
    String resource = required(r, "resourceArn");
    if (!resource.equals(c.arn)) {
      throw new AwsError(
          400, "ResourceNotFoundException", "The specified resource could not be found.");
    }
    JsonNode tags = r.path("tags");
    if (!tags.isArray() || tags.isEmpty()) {
      throw AwsError.invalidParameter("Tags cannot be empty.");
    }
    for (JsonNode t : tags) {
      String key = t.path("key").asText("");
      String value = t.path("value").asText("");
      if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
        throw AwsError.invalidParameter(
            "Tag keys must be 1 to 128 characters and values at most 256.");
      }
      c.tags.put(key, value);
    }
    if (c.tags.size() > 50) {
      throw AwsError.invalidParameter("A resource can have at most 50 tags.");
    }
    return MAPPER.createObjectNode();
  }

  // ------------------------------------------------------------------ container instances

  private JsonNode listContainerInstances(JsonNode r) {
    cluster(r);
    if (r.has("filter")) {
      throw AwsError.invalidParameter(
          "The simulation does not evaluate cluster query language filters.");
    }
    Optional<String> status = text(r, "status");
    List<String> arns = new ArrayList<>();
    // Without a status filter ECS lists every container instance that is not INACTIVE.
    for (SimInstance i : c.instances) {
      String s = i.reportedStatus();
      if (status.isEmpty() ? !s.equals("INACTIVE") : status.get().equals(s)) {
        arns.add(i.arn);
      }
    }
    return page(r, arns, 100, 100, "containerInstanceArns");
  }

  private JsonNode describeContainerInstances(JsonNode r) {
    cluster(r);
    List<String> refs = strings(r, "containerInstances");
    if (refs.isEmpty()) {
      throw AwsError.invalidParameter("Container instances cannot be empty.");
    }
    limit(refs, 100, "containerInstances");
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("containerInstances");
    ArrayNode failures = out.putArray("failures");
    for (String ref : refs) {
      Optional<SimInstance> i = instance(ref);
      if (i.isEmpty()) {
        failures.addObject().put("arn", ref).put("reason", "MISSING");
      } else {
        list.add(containerInstance(c, i.get()));
      }
    }
    return out;
  }

  /**
   * A container instance as DescribeContainerInstances shows it. {@code runningTasksCount} counts
   * the tasks whose containers still run, a task that is stopping included (its {@code lastStatus}
   * here is STOPPING; ECS reports such a task RUNNING until its containers have stopped), and
   * {@code pendingTasksCount} those still starting.
   */
  static ObjectNode containerInstance(SimulatedCluster c, SimInstance i) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("containerInstanceArn", i.arn);
    n.put("ec2InstanceId", i.ec2InstanceId);
    n.put("version", i.version);
    n.putObject("versionInfo")
        .put("agentVersion", "1.89.2")
        .put("agentHash", "0f2c4b1e")
        .put("dockerVersion", "DockerVersion: 25.0.6");
    resources(n.putArray("remainingResources"), c.remainingCpu(i), c.remainingMemory(i));
    resources(n.putArray("registeredResources"), i.cpu, i.memory);
    n.put("status", i.reportedStatus());
    n.put("agentConnected", i.agentConnected);
    n.put(
        "runningTasksCount",
        c.liveTasksOn(i).stream()
            .filter(t -> t.status == SimTask.Status.RUNNING || t.status == SimTask.Status.STOPPING)
            .count());
    n.put(
        "pendingTasksCount",
        c.liveTasksOn(i).stream().filter(t -> t.status == SimTask.Status.PENDING).count());
    ArrayNode attributes = n.putArray("attributes");
    attributes.addObject().put("name", "ecs.os-type").put("value", "linux");
    attributes.addObject().put("name", "ecs.cpu-architecture").put("value", "x86_64");
    attributes.addObject().put("name", "ecs.instance-type").put("value", "m5.large");
    attributes
        .addObject()
        .put("name", "ecs.availability-zone")
        .put("value", SimulatedCluster.REGION + "a");
    attributes.addObject().put("name", "ecs.ami-id").put("value", "ami-0" + i.id.substring(0, 16));
    i.customAttributes.forEach(
        (k, v) -> {
          ObjectNode a = attributes.addObject().put("name", k);
          if (v != null) {
            a.put("value", v);
          }
        });
    n.put("registeredAt", seconds(i.registeredAt));
    return n;
  }

  private static void resources(ArrayNode list, int cpu, int memory) {
    list.addObject()
        .put("name", "CPU")
        .put("type", "INTEGER")
        .put("doubleValue", 0.0)
        .put("longValue", 0)
        .put("integerValue", cpu);
    list.addObject()
        .put("name", "MEMORY")
        .put("type", "INTEGER")
        .put("doubleValue", 0.0)
        .put("longValue", 0)
        .put("integerValue", memory);
    ObjectNode ports =
        list.addObject()
            .put("name", "PORTS")
            .put("type", "STRINGSET")
            .put("doubleValue", 0.0)
            .put("longValue", 0)
            .put("integerValue", 0);
    ports.putArray("stringSetValue").add("22").add("2375").add("2376").add("51678").add("51679");
  }

  private JsonNode updateState(JsonNode r) {
    cluster(r);
    List<String> refs = strings(r, "containerInstances");
    if (refs.isEmpty()) {
      throw AwsError.invalidParameter("Container instances cannot be empty.");
    }
    limit(refs, 10, "containerInstances");
    String status = required(r, "status");
    SimInstance.EcsStatus target;
    try {
      target = SimInstance.EcsStatus.valueOf(status);
    } catch (IllegalArgumentException e) {
      throw AwsError.invalidParameter(
          "Container instance status should be one of [ACTIVE, DRAINING].");
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("containerInstances");
    ArrayNode failures = out.putArray("failures");
    for (String ref : refs) {
      Optional<SimInstance> i = instance(ref);
      if (i.isEmpty()) {
        failures.addObject().put("arn", ref).put("reason", "MISSING");
        continue;
      }
      if (i.get().terminated) {
        failures.addObject().put("arn", ref).put("reason", "MISSING");
        continue;
      }
      c.setStatus(i.get(), target);
      list.add(containerInstance(c, i.get()));
    }
    return out;
  }

  private JsonNode putAttributes(JsonNode r) {
    cluster(r);
    JsonNode attributes = r.path("attributes");
    if (!attributes.isArray() || attributes.isEmpty()) {
      throw AwsError.invalidParameter("Attributes cannot be empty.");
    }
    if (attributes.size() > 10) {
      throw AwsError.invalidParameter("Attributes cannot have more than 10 elements.");
    }
    record Put(SimInstance target, String name, String value) {}
    List<Put> puts = new ArrayList<>();
    for (JsonNode a : attributes) {
      SimInstance target = target(a);
      String name = a.path("name").asText("");
      if (!ATTRIBUTE_NAME.matcher(name).matches()) {
        throw AwsError.invalidParameter(
            "Attribute name '"
                + name
                + "' is invalid: 1 to 128 letters, numbers, hyphens, underscores, slashes, back slashes or periods.");
      }
      String value = a.hasNonNull("value") ? a.get("value").asText() : null;
      if (value != null
          && (!ATTRIBUTE_VALUE.matcher(value).matches()
              || value.startsWith(" ")
              || value.endsWith(" "))) {
        throw AwsError.invalidParameter(
            "Attribute value '"
                + value
                + "' is invalid: 1 to 128 letters, numbers, hyphens, underscores, periods, at signs, slashes, back slashes, colons or inner spaces.");
      }
      puts.add(new Put(target, name, value));
    }
    // All or nothing, as ECS: check the limit before writing any.
    for (SimInstance i : c.instances) {
      long added =
          puts.stream()
              .filter(p -> p.target() == i && !i.customAttributes.containsKey(p.name()))
              .map(Put::name)
              .distinct()
              .count();
      if (i.customAttributes.size() + added > CUSTOM_ATTRIBUTE_LIMIT) {
        throw new AwsError(
            400,
            "AttributeLimitExceededException",
            "You can apply up to 10 custom attributes for each resource.");
      }
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("attributes");
    Set<SimInstance> changed = new java.util.LinkedHashSet<>();
    for (Put p : puts) {
      String before = p.target().customAttributes.get(p.name());
      if (!p.target().customAttributes.containsKey(p.name())
          || !java.util.Objects.equals(before, p.value())) {
        changed.add(p.target());
      }
      p.target().customAttributes.put(p.name(), p.value());
      ObjectNode a =
          list.addObject()
              .put("name", p.name())
              .put("targetType", "container-instance")
              .put("targetId", p.target().arn);
      if (p.value() != null) {
        a.put("value", p.value());
      }
    }
    Instant now = c.clock().instant();
    changed.forEach(i -> c.instanceChanged(i, now));
    return out;
  }

  private JsonNode deleteAttributes(JsonNode r) {
    cluster(r);
    JsonNode attributes = r.path("attributes");
    if (!attributes.isArray() || attributes.isEmpty()) {
      throw AwsError.invalidParameter("Attributes cannot be empty.");
    }
    if (attributes.size() > 10) {
      throw AwsError.invalidParameter("Attributes cannot have more than 10 elements.");
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("attributes");
    Set<SimInstance> changed = new java.util.LinkedHashSet<>();
    for (JsonNode a : attributes) {
      SimInstance target = target(a);
      String name = a.path("name").asText("");
      if (target.customAttributes.containsKey(name)) {
        changed.add(target);
      }
      target.customAttributes.remove(name);
      list.addObject()
          .put("name", name)
          .put("targetType", "container-instance")
          .put("targetId", target.arn);
    }
    Instant now = c.clock().instant();
    changed.forEach(i -> c.instanceChanged(i, now));
    return out;
  }

  private SimInstance target(JsonNode a) {
    String id = a.path("targetId").asText("");
    String type = a.path("targetType").asText("");
    if (id.isEmpty()) {
      throw AwsError.invalidParameter("Attribute targetId cannot be empty.");
    }
    if (!id.startsWith("arn:") && !type.equals("container-instance")) {
      throw AwsError.invalidParameter("targetType is required when targetId is not an ARN.");
    }
    return instance(id)
        .orElseThrow(
            () -> new AwsError(400, "TargetNotFoundException", "Could not find " + id + "."));
  }

  // ------------------------------------------------------------------ tasks and services

  private JsonNode listTasks(JsonNode r) {
    cluster(r);
    Optional<SimInstance> on =
        text(r, "containerInstance")
            .map(
                ref ->
                    instance(ref)
                        .orElseThrow(
                            () ->
                                AwsError.invalidParameter(
                                    "Container instance " + ref + " not found.")));
    String desired = text(r, "desiredStatus").orElse("RUNNING");
    if (!Set.of("RUNNING", "PENDING", "STOPPED").contains(desired)) {
      throw AwsError.invalidParameter("desiredStatus must be one of RUNNING, PENDING, STOPPED.");
    }
    Optional<String> service = text(r, "serviceName");
    Optional<String> startedBy = text(r, "startedBy");
    List<String> arns = new ArrayList<>();
    for (SimTask t : c.tasks) {
      boolean desiredMatches = desired.equals("STOPPED") ? !t.desiredRunning : t.desiredRunning;
      if (desired.equals("PENDING")) {
        desiredMatches = t.desiredRunning && t.status == SimTask.Status.PENDING;
      }
      if (desiredMatches
          && on.map(i -> t.instance == i).orElse(true)
          && service
              .map(s -> t.service.map(x -> x.name.equals(s) || x.arn.equals(s)).orElse(false))
              .orElse(true)
          && startedBy.map(t.startedBy::equals).orElse(true)) {
        arns.add(t.arn);
      }
    }
    return page(r, arns, 100, 100, "taskArns");
  }

  private JsonNode describeTasks(JsonNode r) {
    cluster(r);
    List<String> refs = strings(r, "tasks");
    if (refs.isEmpty()) {
      throw AwsError.invalidParameter("Tasks cannot be empty.");
    }
    limit(refs, 100, "tasks");
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("tasks");
    ArrayNode failures = out.putArray("failures");
    for (String ref : refs) {
      Optional<SimTask> t =
          c.tasks.stream().filter(x -> x.arn.equals(ref) || x.id.equals(ref)).findFirst();
      if (t.isEmpty()) {
        failures.addObject().put("arn", ref).put("reason", "MISSING");
        continue;
      }
      SimTask task = t.get();
      ObjectNode n = list.addObject();
      n.put("taskArn", task.arn)
          .put("clusterArn", c.arn)
          .put("containerInstanceArn", task.instance.arn);
      n.put(
          "taskDefinitionArn",
          "arn:aws:ecs:"
              + SimulatedCluster.REGION
              + ":"
              + SimulatedCluster.ACCOUNT
              + ":task-definition/"
              + task.family
              + ":1");
      n.put("lastStatus", task.status.name())
          .put("desiredStatus", task.desiredRunning ? "RUNNING" : "STOPPED");
      n.put("launchType", "EC2")
          .put("group", task.group())
          .put("cpu", Integer.toString(task.cpu))
          .put("memory", Integer.toString(task.memory));
      if (!task.startedBy.isEmpty()) {
        n.put("startedBy", task.startedBy);
      }
      n.put("createdAt", seconds(task.createdAt));
      if (task.stoppedAt != null) {
        n.put("stoppedAt", seconds(task.stoppedAt));
      }
      if (!task.stoppedReason.isEmpty()) {
        n.put("stoppedReason", task.stoppedReason);
      }
      ObjectNode container = n.putArray("containers").addObject();
      container
          .put("name", task.family)
          .put("lastStatus", task.status.name())
          .put("taskArn", task.arn);
    }
    return out;
  }

  private JsonNode listServices(JsonNode r) {
    cluster(r);
    List<String> arns = c.services.stream().map(s -> s.arn).toList();
    return page(r, arns, 10, 100, "serviceArns");
  }

  private JsonNode describeServices(JsonNode r) {
    cluster(r);
    List<String> refs = strings(r, "services");
    if (refs.isEmpty()) {
      throw AwsError.invalidParameter("Services cannot be empty.");
    }
    limit(refs, 10, "services");
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("services");
    ArrayNode failures = out.putArray("failures");
    for (String ref : refs) {
      Optional<SimService> s =
          c.services.stream().filter(x -> x.arn.equals(ref) || x.name.equals(ref)).findFirst();
      if (s.isEmpty()) {
        failures.addObject().put("arn", ref).put("reason", "MISSING");
        continue;
      }
      SimService svc = s.get();
      List<SimTask> own =
          c.tasks.stream().filter(t -> t.service.orElse(null) == svc && t.desiredRunning).toList();
      ObjectNode n = list.addObject();
      n.put("serviceArn", svc.arn)
          .put("serviceName", svc.name)
          .put("clusterArn", c.arn)
          .put("status", "ACTIVE");
      n.put("desiredCount", svc.daemon ? own.size() : svc.desired);
      n.put("runningCount", own.stream().filter(t -> t.status == SimTask.Status.RUNNING).count());
      n.put("pendingCount", own.stream().filter(t -> t.status == SimTask.Status.PENDING).count());
      n.put("launchType", "EC2").put("schedulingStrategy", svc.daemon ? "DAEMON" : "REPLICA");
      n.putObject("deploymentConfiguration")
          .put("minimumHealthyPercent", svc.minimumHealthyPercent)
          .put("maximumPercent", svc.maximumPercent);
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private void cluster(JsonNode r) {
    String ref = text(r, "cluster").orElse("default");
    if (!matchesCluster(ref)) {
      throw AwsError.clusterNotFound();
    }
  }

  private boolean matchesCluster(String ref) {
    return ref.equals(c.name) || ref.equals(c.arn);
  }

  private Optional<SimInstance> instance(String ref) {
    return c.instances.stream().filter(i -> i.arn.equals(ref) || i.id.equals(ref)).findFirst();
  }

  /** One page of {@code items} as ECS pages them, with an opaque token. */
  private static JsonNode page(
      JsonNode r, List<String> items, int defaultSize, int maxSize, String field) {
    int size = defaultSize;
    if (r.has("maxResults")) {
      size = r.get("maxResults").asInt(-1);
      if (size < 1 || size > maxSize) {
        throw AwsError.invalidParameter("maxResults must be between 1 and " + maxSize + ".");
      }
    }
    int from = 0;
    Optional<String> token = text(r, "nextToken");
    if (token.isPresent()) {
      try {
        String decoded =
            new String(Base64.getUrlDecoder().decode(token.get()), StandardCharsets.UTF_8);
        if (!decoded.startsWith(field + ":")) {
          throw new IllegalArgumentException();
        }
        from = Integer.parseInt(decoded.substring(field.length() + 1));
      } catch (IllegalArgumentException e) {
        throw AwsError.invalidParameter("Invalid token " + token.get());
      }
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray(field);
    int to = Math.min(items.size(), from + size);
    for (int i = from; i < to; i++) {
      list.add(items.get(i));
    }
    if (to < items.size()) {
      out.put(
          "nextToken",
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString((field + ":" + to).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static void limit(List<String> items, int max, String field) {
    if (items.size() > max) {
      throw AwsError.invalidParameter(
          field + " cannot have more than " + max + " elements (got " + items.size() + ").");
    }
  }

  static List<String> strings(JsonNode r, String field) {
    List<String> out = new ArrayList<>();
    r.path(field).forEach(n -> out.add(n.asText()));
    return out;
  }

  static Optional<String> text(JsonNode r, String field) {
    JsonNode n = r.get(field);
    return n == null || n.isNull() || n.asText().isEmpty()
        ? Optional.empty()
        : Optional.of(n.asText());
  }

  static String required(JsonNode r, String field) {
    return text(r, field).orElseThrow(() -> AwsError.invalidParameter(field + " is required."));
  }

  static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }
}
