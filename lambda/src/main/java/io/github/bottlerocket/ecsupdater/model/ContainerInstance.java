package io.github.bottlerocket.ecsupdater.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container instance as ECS describes it, reduced to what the updater decides on.
 *
 * @param arn the container instance ARN (it survives reboots)
 * @param ec2InstanceId the EC2 instance id, which SSM addresses
 * @param status ACTIVE, DRAINING, ...
 * @param agentConnected whether the ECS agent is connected
 * @param attributes the instance's custom attributes that matter to the updater: {@code
 *     bottlerocket.variant}, {@code ecs.cpu-architecture} and the updater's own (name to value; an
 *     attribute ECS holds without a value maps to the empty string)
 * @param registered the resources the instance registered with
 * @param remaining the resources not reserved by tasks
 * @param runningTasks tasks with a desired status of RUNNING, as ECS counts them
 * @param pendingTasks tasks in PENDING
 * @param customAttributeCount how many custom attributes the instance carries (all of them, not
 *     only those in {@code attributes}); ECS allows at most {@value #CUSTOM_ATTRIBUTE_LIMIT}
 */
public record ContainerInstance(
    String arn,
    String ec2InstanceId,
    InstanceStatus status,
    boolean agentConnected,
    Map<String, String> attributes,
    Resources registered,
    Resources remaining,
    int runningTasks,
    int pendingTasks,
    int customAttributeCount) {

  /** ECS's limit on custom attributes per container instance. */
  public static final int CUSTOM_ATTRIBUTE_LIMIT = 10;

  /** The attribute every Bottlerocket ECS host carries, set by its agent configuration. */
  public static final String VARIANT_ATTRIBUTE = "bottlerocket.variant";

  /** The attribute ECS sets on every container instance: {@code x86_64} or {@code arm64}. */
  public static final String ARCHITECTURE_ATTRIBUTE = "ecs.cpu-architecture";

  public ContainerInstance {
    Objects.requireNonNull(arn, "arn");
    ec2InstanceId = ec2InstanceId == null ? "" : ec2InstanceId;
    Objects.requireNonNull(status, "status");
    attributes = Map.copyOf(attributes);
    Objects.requireNonNull(registered, "registered");
    Objects.requireNonNull(remaining, "remaining");
  }

  /** The Bottlerocket variant, e.g. {@code aws-ecs-2}; empty for other operating systems. */
  public Optional<String> variant() {
    return Optional.ofNullable(attributes.get(VARIANT_ATTRIBUTE)).filter(v -> !v.isBlank());
  }

  /** The processor architecture ECS reports ({@code x86_64}, {@code arm64}), if it does. */
  public Optional<String> architecture() {
    return Optional.ofNullable(attributes.get(ARCHITECTURE_ATTRIBUTE)).filter(v -> !v.isBlank());
  }

  public boolean isBottlerocket() {
    return variant().isPresent();
  }

  /**
   * Whether an attribute name is one ECS sets itself ({@code ecs.*}, {@code com.amazonaws.ecs.*}),
   * which does not count against the custom attribute limit.
   */
  public static boolean isBuiltIn(String attributeName) {
    return attributeName.startsWith("ecs.") || attributeName.startsWith("com.amazonaws.ecs.");
  }

  /** The resources that tasks reserve on this instance now. */
  public Resources used() {
    return registered.minus(remaining);
  }

  /** The last part of the ARN, which is how operators and the console name an instance. */
  public String shortId() {
    int slash = arn.lastIndexOf('/');
    return slash < 0 ? arn : arn.substring(slash + 1);
  }
}
