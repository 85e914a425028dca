package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a simulated cluster starts with: releases in the update repository, hosts and services.
 * Immutable; each {@code with...} returns a changed copy.
 *
 * @param name the cluster name
 * @param releases the releases, each published some time before (negative) or after the start
 * @param hosts the container instances, in registration order
 * @param services the services
 * @param ssmDocumentPrefix when set, the account holds the updater's Command documents under it
 * @param tags the cluster's tags
 */
public record ClusterSpec(
    String name,
    List<ReleaseSpec> releases,
    List<HostSpec> hosts,
    List<ServiceSpec> services,
    Optional<String> ssmDocumentPrefix,
    Map<String, String> tags) {

  public ClusterSpec {
    releases = List.copyOf(releases);
    hosts = List.copyOf(hosts);
    services = List.copyOf(services);
    tags = Map.copyOf(tags);
  }

  /** An empty cluster. */
  public static ClusterSpec named(String name) {
    return new ClusterSpec(name, List.of(), List.of(), List.of(), Optional.empty(), Map.of());
  }

  /** A tag on the cluster, as an operator would set it. */
  public ClusterSpec withTag(String key, String value) {
    Map<String, String> t = new LinkedHashMap<>(tags);
    t.put(key, value);
    return new ClusterSpec(name, releases, hosts, services, ssmDocumentPrefix, t);
  }

  /** A release published before the simulation starts. */
  public ClusterSpec withRelease(String version) {
    return withRelease(version, Duration.ofDays(-1));
  }

  /** A release published {@code after} the start (negative: before). */
  public ClusterSpec withRelease(String version, Duration after) {
    List<ReleaseSpec> r = new ArrayList<>(releases);
    r.add(new ReleaseSpec(version, after));
    return new ClusterSpec(name, r, hosts, services, ssmDocumentPrefix, tags);
  }

  public ClusterSpec withHost(HostSpec host) {
    List<HostSpec> h = new ArrayList<>(hosts);
    h.add(host);
    return new ClusterSpec(name, releases, h, services, ssmDocumentPrefix, tags);
  }

  public ClusterSpec withService(ServiceSpec service) {
    List<ServiceSpec> s = new ArrayList<>(services);
    s.add(service);
    return new ClusterSpec(name, releases, hosts, s, ssmDocumentPrefix, tags);
  }

  public ClusterSpec withSsmDocumentPrefix(String prefix) {
    return new ClusterSpec(name, releases, hosts, services, Optional.of(prefix), tags);
  }

  /** A release of the update repository. */
  public record ReleaseSpec(String version, Duration publishedAfterStart) {}

  /**
   * A container instance.
   *
   * @param name the simulation's name for it, used by faults and in reports
   * @param bottlerocket whether it runs Bottlerocket (with {@code bottlerocket.variant})
   * @param version the Bottlerocket version it runs at the start
   * @param waveOffset how long after a release's publication this host's wave comes
   * @param cpu registered CPU units
   * @param memory registered memory in MiB
   * @param standaloneTasks tasks started with RunTask, which no service owns
   * @param attributes custom attributes the operator set
   */
  public record HostSpec(
      String name,
      boolean bottlerocket,
      String version,
      Duration waveOffset,
      int cpu,
      int memory,
      List<StandaloneTask> standaloneTasks,
      Map<String, String> attributes) {

    public HostSpec {
      standaloneTasks = List.copyOf(standaloneTasks);
      attributes = Map.copyOf(attributes);
    }

    /** A Bottlerocket host on {@code version}, in the first wave, with 2 vCPU and 4 GiB. */
    public static HostSpec bottlerocket(String name, String version) {
      return new HostSpec(name, true, version, Duration.ZERO, 2048, 4096, List.of(), Map.of());
    }

    /** A host running another operating system (no {@code bottlerocket.variant}). */
    public static HostSpec other(String name) {
      return new HostSpec(name, false, "", Duration.ZERO, 2048, 4096, List.of(), Map.of());
    }

    public HostSpec inWave(Duration offset) {
      return new HostSpec(
          name, bottlerocket, version, offset, cpu, memory, standaloneTasks, attributes);
    }

    public HostSpec withResources(int cpuUnits, int memoryMiB) {
      return new HostSpec(
          name,
          bottlerocket,
          version,
          waveOffset,
          cpuUnits,
          memoryMiB,
          standaloneTasks,
          attributes);
    }

    public HostSpec withStandaloneTask(String family, int cpuUnits, int memoryMiB) {
      List<StandaloneTask> t = new ArrayList<>(standaloneTasks);
      t.add(new StandaloneTask(family, cpuUnits, memoryMiB));
      return new HostSpec(name, bottlerocket, version, waveOffset, cpu, memory, t, attributes);
    }

    public HostSpec withAttribute(String attribute, String value) {
      Map<String, String> a = new LinkedHashMap<>(attributes);
      a.put(attribute, value);
      return new HostSpec(name, bottlerocket, version, waveOffset, cpu, memory, standaloneTasks, a);
    }
  }

  /** A task started outside any service. */
  public record StandaloneTask(String family, int cpu, int memory) {}

  /**
   * A service.
   *
   * @param name the service name
   * @param daemon DAEMON scheduling (one task per ACTIVE instance) instead of REPLICA
   * @param desired desired count (replica services)
   * @param cpu CPU units per task
   * @param memory MiB per task
   * @param minimumHealthyPercent deployment setting; below 100 a drain may stop a task before its
   *     replacement runs
   * @param maximumPercent deployment setting; caps running plus pending tasks
   */
  public record ServiceSpec(
      String name,
      boolean daemon,
      int desired,
      int cpu,
      int memory,
      int minimumHealthyPercent,
      int maximumPercent) {

    public static ServiceSpec replica(String name, int desired, int cpu, int memory) {
      return new ServiceSpec(name, false, desired, cpu, memory, 100, 200);
    }

    public static ServiceSpec daemon(String name, int cpu, int memory) {
      return new ServiceSpec(name, true, 0, cpu, memory, 0, 100);
    }

    public ServiceSpec withDeployment(int minimumHealthy, int maximum) {
      return new ServiceSpec(name, daemon, desired, cpu, memory, minimumHealthy, maximum);
    }
  }
}
