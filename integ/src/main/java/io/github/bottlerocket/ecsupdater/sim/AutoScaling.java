package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EC2 Auto Scaling groups over the cluster's instances, defined by scenarios ({@code
 * cluster.autoScaling().createGroup("asg-a", List.of("br-1", "br-2"), false)}), with instance
 * scale-in protection and a scale-in that terminates one instance. Guarded by the cluster.
 *
 * <p>A scale-in follows ECS cluster auto scaling as its guide describes it: with managed
 * termination protection on, ECS turns scale-in protection off on an instance whose non-daemon
 * tasks have all stopped and lets the group terminate it; without it, the group terminates an
 * instance that is not protected from scale-in. Among several candidates the first in registration
 * order goes (AWS's default termination policy, which balances zones and prefers old launch
 * templates, is not modelled).
 */
public final class AutoScaling {
  /** A member's lifecycle state, with Auto Scaling's names. */
  enum Lifecycle {
    IN_SERVICE("InService"),
    TERMINATED("Terminated");

    final String wire;

    Lifecycle(String wire) {
      this.wire = wire;
    }
  }

  /** One instance of a group. */
  static final class Member {
    final SimInstance instance;
    final Group group;
    boolean protectedFromScaleIn;

    /** The last value the updater (through the API) set, or null if it never set one. */
    Boolean setThroughApi;

    Lifecycle lifecycle = Lifecycle.IN_SERVICE;

    Member(SimInstance instance, Group group, boolean protectedFromScaleIn) {
      this.instance = instance;
      this.group = group;
      this.protectedFromScaleIn = protectedFromScaleIn;
    }
  }

  /** One group. */
  static final class Group {
    final String name;
    final boolean managedTerminationProtection;
    final List<Member> members = new ArrayList<>();

    Group(String name, boolean managedTerminationProtection) {
      this.name = name;
      this.managedTerminationProtection = managedTerminationProtection;
    }
  }

  private final SimulatedCluster cluster;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final Map<SimInstance, Member> members = new LinkedHashMap<>();

  AutoScaling(SimulatedCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Creates a group of the named instances.
   *
   * @param managedTerminationProtection whether an ECS capacity provider with managed termination
   *     protection manages the group: its instances start protected from scale-in, and a scale-in
   *     picks an instance without non-daemon tasks and turns its protection off first
   */
  public void createGroup(
      String name, List<String> instanceNames, boolean managedTerminationProtection) {
    synchronized (cluster) {
      if (groups.containsKey(name)) {
        throw new IllegalArgumentException("group " + name + " exists already");
      }
      Group g = new Group(name, managedTerminationProtection);
      for (String n : instanceNames) {
        SimInstance i = cluster.byName(n);
        if (members.containsKey(i)) {
          throw new IllegalArgumentException(n + " is in group " + members.get(i).group.name);
        }
        Member m = new Member(i, g, managedTerminationProtection);
        g.members.add(m);
        members.put(i, m);
      }
      groups.put(name, g);
    }
  }

  /** Whether the named instance is protected from scale-in now. */
  public boolean isProtected(String instanceName) {
    synchronized (cluster) {
      Member m = members.get(cluster.byName(instanceName));
      return m != null && m.protectedFromScaleIn;
    }
  }

  /**
   * A scale-in of one instance of {@code group}, as the group's scaling policy (or ECS managed
   * scaling) would start it: the chosen instance is terminated at once, its container instance
   * deregistered and its tasks stopped.
   *
   * @return the name of the instance terminated, or empty when none may go
   */
  public Optional<String> scaleIn(String group) {
    synchronized (cluster) {
      cluster.catchUp();
      Group g = groups.get(group);
      if (g == null) {
        throw new IllegalArgumentException("no group named " + group);
      }
      Instant now = cluster.clock().instant();
      for (Member m : g.members) {
        if (m.lifecycle != Lifecycle.IN_SERVICE) {
          continue;
        }
        String how;
        if (g.managedTerminationProtection) {
          boolean idle = cluster.liveTasksOn(m.instance).stream().allMatch(SimTask::isDaemon);
          if (!idle) {
            continue;
          }
          how =
              m.protectedFromScaleIn
                  ? "ECS managed termination protection turned its scale-in protection off"
                  : "not protected from scale-in";
          m.protectedFromScaleIn = false;
        } else {
          if (m.protectedFromScaleIn) {
            continue;
          }
          how = "not protected from scale-in";
        }
        cluster.terminate(m.instance, Boolean.TRUE.equals(m.setThroughApi), how, now);
        m.lifecycle = Lifecycle.TERMINATED;
        return Optional.of(m.instance.name);
      }
      return Optional.empty();
    }
  }

  Optional<Member> member(String ec2InstanceId) {
    return members.values().stream()
        .filter(m -> m.instance.ec2InstanceId.equals(ec2InstanceId))
        .findFirst();
  }

  Optional<Group> group(String name) {
    return Optional.ofNullable(groups.get(name));
  }
}
