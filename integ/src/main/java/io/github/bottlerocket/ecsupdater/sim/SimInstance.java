package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A simulated EC2 instance registered as an ECS container instance. Guarded by the cluster. */
final class SimInstance {

  /** The ECS status the simulation uses (the updater only moves between these two). */
  enum EcsStatus {
    ACTIVE,
    DRAINING
  }

  /** Whether the machine itself runs. */
  enum Power {
    /** Up: SSM reaches it; the ECS agent may or may not be connected yet. */
    RUNNING,
    /** Between the reboot's shutdown and the end of the boot. */
    REBOOTING,
    /** Went down and will not come back (a fault). */
    GONE
  }

  final String name;
  final String id;
  final String arn;
  final String ec2InstanceId;
  final int cpu;
  final int memory;
  final Optional<BottlerocketHost> bottlerocket;
  final Instant registeredAt;
  final Map<String, String> customAttributes = new LinkedHashMap<>();

  EcsStatus status = EcsStatus.ACTIVE;
  boolean agentConnected = true;
  Power power = Power.RUNNING;
  int reboots;

  /** ECS's version counter: raised on every change that emits a state-change event. */
  long version = 1;

  /** Terminated by a scale-in: the container instance is deregistered (INACTIVE). */
  boolean terminated;

  SimInstance(
      String name,
      String id,
      String arn,
      String ec2InstanceId,
      int cpu,
      int memory,
      Optional<BottlerocketHost> bottlerocket,
      Instant registeredAt) {
    this.name = name;
    this.id = id;
    this.arn = arn;
    this.ec2InstanceId = ec2InstanceId;
    this.cpu = cpu;
    this.memory = memory;
    this.bottlerocket = bottlerocket;
    this.registeredAt = registeredAt;
  }

  /** The OS version it runs: Bottlerocket's active partition, or a fixed label for others. */
  String runningVersion() {
    return bottlerocket.map(BottlerocketHost::activeVersion).orElse("al2023");
  }

  /** Whether ECS may place new tasks here. */
  boolean acceptsTasks() {
    return status == EcsStatus.ACTIVE && agentConnected && power == Power.RUNNING && !terminated;
  }

  /** The status ECS reports: a deregistered container instance is INACTIVE. */
  String reportedStatus() {
    return terminated ? "INACTIVE" : status.name();
  }
}
