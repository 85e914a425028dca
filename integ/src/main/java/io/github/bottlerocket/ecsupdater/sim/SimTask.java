package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;
import java.util.Optional;

/** A simulated ECS task on one container instance. Guarded by the cluster. */
final class SimTask {

  /** The task's {@code lastStatus} as the simulation moves it. */
  enum Status {
    PENDING,
    RUNNING,
    STOPPING,
    STOPPED
  }

  final String id;
  final String arn;
  final SimInstance instance;
  final Optional<SimService> service;
  final String family;
  final String startedBy;
  final int cpu;
  final int memory;
  final Instant createdAt;

  Status status = Status.PENDING;
  boolean desiredRunning = true;

  /** Until when the task is protected from scale-in (UpdateTaskProtection); null if it is not. */
  Instant protectedUntil;

  Instant stoppedAt;
  String stoppedReason = "";

  SimTask(
      String id,
      String arn,
      SimInstance instance,
      Optional<SimService> service,
      String family,
      String startedBy,
      int cpu,
      int memory,
      Instant createdAt) {
    this.id = id;
    this.arn = arn;
    this.instance = instance;
    this.service = service;
    this.family = family;
    this.startedBy = startedBy;
    this.cpu = cpu;
    this.memory = memory;
    this.createdAt = createdAt;
  }

  /** {@code service:<name>} or {@code family:<name>}, as ECS groups tasks. */
  String group() {
    return service.map(s -> "service:" + s.name).orElse("family:" + family);
  }

  boolean isStandalone() {
    return service.isEmpty();
  }

  boolean isDaemon() {
    return service.map(s -> s.daemon).orElse(false);
  }

  /** Whether it holds resources on its instance (everything but STOPPED). */
  boolean isLive() {
    return status != Status.STOPPED;
  }
}
