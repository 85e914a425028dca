package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The CloudWatch alarms of the simulated account, set by scenarios ({@code
 * cluster.alarms().set("HighErrors", State.ALARM)}) and read by the updater through {@code
 * DescribeAlarms}. Nothing evaluates metrics: an alarm is in the state a scenario last gave it,
 * since the instant it did. Guarded by the cluster.
 */
public final class Alarms {
  /** An alarm's state, with CloudWatch's names. */
  public enum State {
    OK,
    ALARM,
    INSUFFICIENT_DATA
  }

  /** Metric alarms are returned by default; composite alarms only when asked for. */
  public enum Type {
    METRIC_ALARM("MetricAlarm"),
    COMPOSITE_ALARM("CompositeAlarm");

    final String wire;

    Type(String wire) {
      this.wire = wire;
    }
  }

  /** One alarm as DescribeAlarms shows it. */
  public record Alarm(
      String name, Type type, State state, String reason, Instant stateUpdated, Instant created) {
    String arn() {
      return "arn:aws:cloudwatch:"
          + SimulatedCluster.REGION
          + ":"
          + SimulatedCluster.ACCOUNT
          + ":alarm:"
          + name;
    }
  }

  private final SimulatedCluster cluster;
  private final Map<String, Alarm> alarms = new TreeMap<>();

  Alarms(SimulatedCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Creates a metric alarm, which starts in INSUFFICIENT_DATA as a new CloudWatch alarm does, or
   * returns the existing one.
   */
  public Alarm metricAlarm(String name) {
    return create(name, Type.METRIC_ALARM);
  }

  /** Creates a composite alarm (INSUFFICIENT_DATA until set), or returns the existing one. */
  public Alarm compositeAlarm(String name) {
    return create(name, Type.COMPOSITE_ALARM);
  }

  /**
   * Sets an alarm's state now (as {@code SetAlarmState} or an evaluation would); an alarm that does
   * not exist yet is created as a metric alarm.
   */
  public Alarm set(String name, State state) {
    return set(name, state, "Threshold crossed (simulated)");
  }

  /** Sets an alarm's state now with {@code reason}. */
  public Alarm set(String name, State state, String reason) {
    synchronized (cluster) {
      Alarm old = metricAlarm(name);
      Instant now = cluster.clock().instant();
      Alarm next =
          old.state() == state && old.reason().equals(reason)
              ? old
              : new Alarm(name, old.type(), state, reason, now, old.created());
      alarms.put(name, next);
      return next;
    }
  }

  public Optional<Alarm> get(String name) {
    synchronized (cluster) {
      return Optional.ofNullable(alarms.get(name));
    }
  }

  /** Every alarm, by name. */
  List<Alarm> all() {
    return new ArrayList<>(alarms.values());
  }

  private Alarm create(String name, Type type) {
    if (name.isEmpty() || name.length() > 255) {
      throw new IllegalArgumentException("alarm names have 1 to 255 characters: " + name);
    }
    synchronized (cluster) {
      Instant now = cluster.clock().instant();
      return alarms.computeIfAbsent(
          name,
          n ->
              new Alarm(
                  n, type, State.INSUFFICIENT_DATA, "Unchecked: Initial alarm creation", now, now));
    }
  }
}
