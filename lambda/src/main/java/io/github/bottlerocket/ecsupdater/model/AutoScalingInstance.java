package io.github.bottlerocket.ecsupdater.model;

import java.util.Objects;

/**
 * An EC2 instance that belongs to an Auto Scaling group ({@code DescribeAutoScalingInstances}).
 *
 * @param instanceId the EC2 instance id
 * @param groupName the Auto Scaling group
 * @param lifecycleState the instance's lifecycle state in the group, e.g. {@code InService}
 * @param protectedFromScaleIn whether the group may not terminate it in a scale-in
 */
public record AutoScalingInstance(
    String instanceId, String groupName, String lifecycleState, boolean protectedFromScaleIn) {

  /** The lifecycle state of an instance a scale-in can choose. */
  public static final String IN_SERVICE = "InService";

  public AutoScalingInstance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(groupName, "groupName");
    lifecycleState = lifecycleState == null ? "" : lifecycleState;
  }

  /** Whether a scale-in of its group may choose it now. */
  public boolean inService() {
    return IN_SERVICE.equals(lifecycleState);
  }
}
