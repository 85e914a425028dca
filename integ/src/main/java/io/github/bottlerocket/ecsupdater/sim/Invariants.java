package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The safety rules every scenario must keep, checked after every change in the cluster (not only at
 * the end). A broken rule is recorded with the rule, the instance and the virtual time, and {@link
 * #assertHeld()} fails the scenario with all of them.
 */
public final class Invariants implements ClusterObserver {

  /** A rule of the updater's contract. */
  public enum Rule {
    MAX_OUT_OF_SERVICE(
        "never more than MAX_CONCURRENT instances out of service (DRAINING or agent disconnected)"),
    STANDALONE_TASK_STOPPED("no standalone task is ever stopped"),
    REBOOT_WITH_SERVICE_TASKS("no reboot while service tasks still run on the instance"),
    REBOOT_WITHOUT_STAGED_UPDATE("no reboot unless the staged update is Ready"),
    DRAINING_WITHOUT_RECORD("no instance DRAINING without the updater's record of why"),
    UNRECOGNISED_COMMAND("hosts only ever get the updater's own host commands"),
    DRAINED_WITH_PROTECTED_TASKS(
        "no instance is set DRAINING while one of its tasks is protected from scale-in"),
    SCALE_IN_DURING_UPDATE(
        "a scale-in never terminates an instance the updater has out of service after the updater"
            + " protected it from scale-in"),
    CHANGE_WITHOUT_LEASE(
        "with a lease table, every change to the cluster is made while a lease on it is unexpired,"
            + " and every host command that changes a host comes from the lease's owner"),
    NOT_CONVERGED(
        "at the end every instance is ACTIVE on the newest version or carries a recorded failure");

    private final String text;

    Rule(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** One broken rule. */
  public record Violation(Rule rule, String instance, Instant at, String detail) {
    @Override
    public String toString() {
      return at + " " + rule + " (" + rule.text() + ") on " + instance + ": " + detail;
    }
  }

  private static final int MAX_RECORDED = 50;

  private final int maxConcurrent;
  private final List<Violation> violations = new ArrayList<>();
  private final Set<String> reported = new HashSet<>();
  private int mostOutOfService;
  private String leaseTable;

  /** The commands that change nothing on a host; sent without a lease by a dry run. */
  private static final Set<String> READ_ONLY_COMMANDS = Set.of("CHECK", "STATUS");

  /**
   * @param maxConcurrent the MAX_CONCURRENT the updater runs with
   */
  public Invariants(int maxConcurrent) {
    this.maxConcurrent = maxConcurrent;
  }

  /**
   * From now on, checks {@link Rule#CHANGE_WITHOUT_LEASE} against the leases in {@code table}: the
   * item keyed by the cluster ARN must exist with an {@code expiresAt} (epoch milliseconds) later
   * than the change, and an SSM command's comment must end with the lease's {@code owner} (the
   * updater puts its run id last in the comment).
   */
  public synchronized void requireLease(String table) {
    this.leaseTable = table;
  }

  private void checkLease(SimulatedCluster c, Instant at, String cause) {
    boolean ecs = cause.startsWith("ecs:");
    boolean ssm = cause.startsWith("ssm:SendCommand ");
    if (leaseTable == null || !(ecs || ssm)) {
      return;
    }
    String[] words = cause.split(" ");
    if (ssm && READ_ONLY_COMMANDS.contains(words[1])) {
      return;
    }
    java.util.Optional<com.fasterxml.jackson.databind.JsonNode> item =
        c.dynamoDb().item(leaseTable, c.arn());
    String problem = null;
    if (item.isEmpty()) {
      problem = "no lease held";
    } else {
      long expires = item.get().path("expiresAt").path("N").asLong(0);
      String owner = item.get().path("owner").path("S").asText();
      if (at.toEpochMilli() >= expires) {
        problem = "the lease of " + owner + " expired at " + Instant.ofEpochMilli(expires);
      } else if (ssm && !words[words.length - 1].equals(owner)) {
        problem =
            "sent by run " + words[words.length - 1] + " while run " + owner + " holds the lease";
      }
    }
    if (problem != null) {
      record("lease " + at + cause, Rule.CHANGE_WITHOUT_LEASE, "-", at, cause + ": " + problem);
    }
  }

  @Override
  public synchronized void changed(SimulatedCluster c, Instant at, String cause) {
    checkLease(c, at, cause);
    List<String> out = new ArrayList<>();
    for (SimInstance i : c.instances) {
      if (i.terminated) {
        continue;
      }
      if (i.status == SimInstance.EcsStatus.DRAINING || !i.agentConnected) {
        out.add(i.name);
      }
      String drainKey = "drain " + i.name;
      if (i.status == SimInstance.EcsStatus.DRAINING
          && !i.customAttributes.containsKey(StateAttributes.STATE)) {
        record(
            drainKey,
            Rule.DRAINING_WITHOUT_RECORD,
            i.name,
            at,
            "DRAINING without " + StateAttributes.STATE + " after " + cause);
      } else if (i.status == SimInstance.EcsStatus.ACTIVE) {
        reported.remove(drainKey);
      }
    }
    mostOutOfService = Math.max(mostOutOfService, out.size());
    if (out.size() > maxConcurrent) {
      record(
          "out " + out,
          Rule.MAX_OUT_OF_SERVICE,
          String.join(",", out),
          at,
          out.size() + " out of service, limit " + maxConcurrent + ", after " + cause);
    }
    for (SimTask t : c.tasks) {
      if (t.isStandalone() && !t.desiredRunning) {
        record(
            "standalone " + t.id,
            Rule.STANDALONE_TASK_STOPPED,
            t.instance.name,
            at,
            t.group() + " stopped: " + t.stoppedReason);
      }
    }
  }

  @Override
  public synchronized void rebooting(SimulatedCluster c, String instanceName, Instant at) {
    SimInstance i = c.byName(instanceName);
    List<String> service =
        c.liveTasksOn(i).stream()
            .filter(t -> !t.isStandalone() && !t.isDaemon())
            .map(SimTask::group)
            .toList();
    if (!service.isEmpty()) {
      record(
          "reboot-tasks " + at + i.name,
          Rule.REBOOT_WITH_SERVICE_TASKS,
          i.name,
          at,
          "still running: " + service);
    }
    boolean ready = i.bottlerocket.map(b -> b.isReady(at)).orElse(false);
    if (!ready) {
      record(
          "reboot-staged " + at + i.name,
          Rule.REBOOT_WITHOUT_STAGED_UPDATE,
          i.name,
          at,
          "the update state is not Ready");
    }
  }

  @Override
  public synchronized void statusChanged(
      SimulatedCluster c, String instanceName, String status, Instant at) {
    if (!status.equals("DRAINING")) {
      return;
    }
    List<String> protectedTasks =
        c.liveTasksOn(c.byName(instanceName)).stream()
            .filter(t -> t.protectedUntil != null && at.isBefore(t.protectedUntil))
            .map(t -> t.group() + " until " + t.protectedUntil)
            .toList();
    if (!protectedTasks.isEmpty()) {
      record(
          "protected " + at + instanceName,
          Rule.DRAINED_WITH_PROTECTED_TASKS,
          instanceName,
          at,
          "protected: " + protectedTasks);
    }
  }

  @Override
  public synchronized void terminating(
      SimulatedCluster c, String instanceName, boolean protectedByUpdater, String how, Instant at) {
    SimInstance i = c.byName(instanceName);
    boolean outOfService =
        i.customAttributes.containsKey(StateAttributes.STATE)
            && (i.status == SimInstance.EcsStatus.DRAINING
                || !i.agentConnected
                || i.power != SimInstance.Power.RUNNING);
    if (outOfService && protectedByUpdater) {
      record(
          "scale-in " + instanceName,
          Rule.SCALE_IN_DURING_UPDATE,
          instanceName,
          at,
          "terminated while "
              + i.status
              + (i.agentConnected ? "" : ", agent disconnected")
              + ": "
              + how);
    }
  }

  @Override
  public synchronized void unrecognisedCommand(SimulatedCluster c, String detail, Instant at) {
    record("script " + at + detail, Rule.UNRECOGNISED_COMMAND, "-", at, detail);
  }

  /**
   * Checks the end state: every Bottlerocket instance not named in {@code heldBack} is ACTIVE with
   * its agent connected and runs the newest release, or carries the updater's failure record.
   */
  public synchronized void checkConverged(SimulatedCluster c, Set<String> heldBack) {
    synchronized (c) {
      c.catchUp();
      Instant now = c.clock().instant();
      String newest = c.repository.newest(now).orElseThrow();
      for (SimInstance i : c.instances) {
        if (i.bottlerocket.isEmpty() || heldBack.contains(i.name) || i.terminated) {
          continue;
        }
        boolean failed = i.customAttributes.containsKey(StateAttributes.FAILURE);
        boolean current =
            i.status == SimInstance.EcsStatus.ACTIVE
                && i.agentConnected
                && i.runningVersion().equals(newest);
        if (!failed && !current) {
          record(
              "end " + i.name,
              Rule.NOT_CONVERGED,
              i.name,
              now,
              i.status
                  + ", agent "
                  + (i.agentConnected ? "connected" : "disconnected")
                  + ", running "
                  + i.runningVersion()
                  + " (newest "
                  + newest
                  + "), attributes "
                  + i.customAttributes);
        }
      }
    }
  }

  /** The most instances seen out of service at once. */
  public synchronized int mostOutOfService() {
    return mostOutOfService;
  }

  public synchronized List<Violation> violations() {
    return List.copyOf(violations);
  }

  /** Fails with every recorded violation, if there is one. */
  public synchronized void assertHeld() {
    if (!violations.isEmpty()) {
      StringBuilder b = new StringBuilder(violations.size() + " invariant violation(s):");
      violations.forEach(v -> b.append("\n  ").append(v));
      throw new AssertionError(b.toString());
    }
  }

  private void record(String key, Rule rule, String instance, Instant at, String detail) {
    if (reported.add(key) && violations.size() < MAX_RECORDED) {
      violations.add(new Violation(rule, instance, at, detail));
    }
  }
}
