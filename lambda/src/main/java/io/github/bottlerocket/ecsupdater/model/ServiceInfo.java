package io.github.bottlerocket.ecsupdater.model;

import java.util.Objects;

/**
 * An ECS service in the cluster.
 *
 * @param name the service name
 * @param daemon whether it uses the DAEMON scheduling strategy (one task per instance)
 * @param desired the desired task count
 * @param running the running task count
 */
public record ServiceInfo(String name, boolean daemon, int desired, int running) {
  public ServiceInfo {
    Objects.requireNonNull(name, "name");
  }

  /** Whether a replica service runs fewer tasks than it wants. Daemon services never count. */
  public boolean isBelowDesired() {
    return !daemon && running < desired;
  }
}
