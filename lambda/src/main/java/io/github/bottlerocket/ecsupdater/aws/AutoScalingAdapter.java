package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;

/** {@link AutoScalingPort} over the AWS SDK (Auto Scaling speaks the query protocol). */
public final class AutoScalingAdapter implements AutoScalingPort {
  private final AutoScalingClient autoScaling;

  public AutoScalingAdapter(AutoScalingClient autoScaling) {
    this.autoScaling = autoScaling;
  }

  @Override
  public List<AutoScalingInstance> describeInstances(List<String> instanceIds) {
    List<AutoScalingInstance> out = new ArrayList<>();
    for (List<String> batch : EcsAdapter.batches(instanceIds, MAX_IDS)) {
      call(
          "autoscaling:DescribeAutoScalingInstances",
          () -> {
            autoScaling
                .describeAutoScalingInstancesPaginator(
                    r -> r.instanceIds(batch).maxRecords(MAX_IDS))
                .autoScalingInstances()
                .forEach(i -> out.add(toInstance(i)));
            return null;
          });
    }
    // An emulator may answer for instances it was not asked about; AWS does not.
    return out.stream().filter(i -> instanceIds.contains(i.instanceId())).toList();
  }

  @Override
  public void setProtection(
      String groupName, List<String> instanceIds, boolean protectedFromScaleIn) {
    for (List<String> batch : EcsAdapter.batches(instanceIds, MAX_IDS)) {
      call(
          "autoscaling:SetInstanceProtection",
          () ->
              autoScaling.setInstanceProtection(
                  r ->
                      r.autoScalingGroupName(groupName)
                          .instanceIds(batch)
                          .protectedFromScaleIn(protectedFromScaleIn)));
    }
  }

  private static AutoScalingInstance toInstance(AutoScalingInstanceDetails i) {
    return new AutoScalingInstance(
        i.instanceId(),
        i.autoScalingGroupName(),
        i.lifecycleState(),
        Boolean.TRUE.equals(i.protectedFromScaleIn()));
  }

  private static <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw AwsErrors.map(operation, e);
    }
  }
}
