package io.github.bottlerocket.ecsupdater.port;

import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import java.util.List;

/** The EC2 Auto Scaling calls the updater makes: group membership and scale-in protection. */
public interface AutoScalingPort {

  /** Auto Scaling accepts at most 50 instance ids in one call. */
  int MAX_IDS = 50;

  /** For entry points and tests without Auto Scaling: no instance belongs to a group. */
  AutoScalingPort NO_GROUPS =
      new AutoScalingPort() {
        @Override
        public List<AutoScalingInstance> describeInstances(List<String> instanceIds) {
          return List.of();
        }

        @Override
        public void setProtection(
            String groupName, List<String> instanceIds, boolean protectedFromScaleIn) {
          throw new IllegalStateException("no instance belongs to an Auto Scaling group here");
        }
      };

  /**
   * The instances among {@code instanceIds} that belong to an Auto Scaling group, with their group
   * and scale-in protection ({@code DescribeAutoScalingInstances}, {@value #MAX_IDS} ids a call
   * underneath). Instances of no group are left out, as AWS leaves them out.
   */
  List<AutoScalingInstance> describeInstances(List<String> instanceIds);

  /**
   * Sets or clears the instance scale-in protection of instances of one group ({@code
   * SetInstanceProtection}, {@value #MAX_IDS} ids a call underneath).
   */
  void setProtection(String groupName, List<String> instanceIds, boolean protectedFromScaleIn);
}
