package io.github.bottlerocket.ecsupdater.sim;

/**
 * A simulated ECS service: replica (desired count, deployment percentages) or daemon (one task per
 * ACTIVE instance).
 */
final class SimService {
  final String name;
  final String arn;
  final boolean daemon;
  final int desired;
  final int cpu;
  final int memory;
  final int minimumHealthyPercent;
  final int maximumPercent;

  SimService(
      String name,
      String arn,
      boolean daemon,
      int desired,
      int cpu,
      int memory,
      int minimumHealthyPercent,
      int maximumPercent) {
    this.name = name;
    this.arn = arn;
    this.daemon = daemon;
    this.desired = desired;
    this.cpu = cpu;
    this.memory = memory;
    this.minimumHealthyPercent = minimumHealthyPercent;
    this.maximumPercent = maximumPercent;
  }

  /**
   * The service tasks' {@code startedBy}: {@code ecs-svc/} and a deployment number, as ECS sets it.
   */
  String startedBy() {
    return String.format("ecs-svc/%019d", Integer.toUnsignedLong(name.hashCode()));
  }
}
