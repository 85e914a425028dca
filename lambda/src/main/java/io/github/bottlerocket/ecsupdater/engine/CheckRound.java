package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.host.HostReply;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The state of this pass's update check of idle instances. */
public sealed interface CheckRound {

  /** No check in this pass yet. */
  record NotStarted() implements CheckRound {}

  /**
   * Checks were sent and replies are awaited.
   *
   * @param commandIds the SSM commands (one per batch of 50 instances)
   * @param instanceArns the container instances checked
   * @param sentAt when the first batch was sent
   * @param full whether it checks all idle instances (its time is recorded on the cluster)
   */
  record Running(List<String> commandIds, List<String> instanceArns, Instant sentAt, boolean full)
      implements CheckRound {
    public Running {
      commandIds = List.copyOf(commandIds);
      instanceArns = List.copyOf(instanceArns);
    }
  }

  /**
   * The replies are in.
   *
   * @param replies by container instance ARN; an instance that did not answer in time has a {@link
   *     HostReply.Pending} reply
   * @param finishedAt when the replies were collected
   */
  record Done(Map<String, HostReply> replies, Instant finishedAt) implements CheckRound {
    public Done {
      replies = Map.copyOf(replies);
    }
  }
}
