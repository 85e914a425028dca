package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.Setting;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;

/**
 * The props of {@link BottlerocketEcsUpdaterProps.Builder} that are the function's own settings:
 * one typed method per setting, each kept as text in the function's syntax for the function's
 * parser to check at synth.
 *
 * @param <B> the builder the methods return
 */
public abstract class FunctionSettingProps<B extends FunctionSettingProps<B>> {
  final Map<Setting, String> settings = new EnumMap<>(Setting.class);

  FunctionSettingProps() {}

  abstract B self();

  /**
   * {@code LEASE_DURATION}: how long a pass's lease on its cluster lasts unless renewed; a crashed
   * pass keeps the cluster this long.
   */
  public B leaseDuration(Duration value) {
    return duration(Setting.LEASE_DURATION, value);
  }

  /** {@code MAX_CONCURRENT}: most instances of a cluster out of service at once. */
  public B maxConcurrent(int value) {
    return setting(Setting.MAX_CONCURRENT, Integer.toString(value));
  }

  /** {@code FAILURE_BUDGET}: failed updates a cluster may carry before its breaker opens. */
  public B failureBudget(int value) {
    return setting(Setting.FAILURE_BUDGET, Integer.toString(value));
  }

  /** {@code CHECK_INTERVAL}: least time between two update checks of a cluster. */
  public B checkInterval(Duration value) {
    return duration(Setting.CHECK_INTERVAL, value);
  }

  /** {@code CHECK_TIMEOUT}: how long a pass waits for the replies to one update check. */
  public B checkTimeout(Duration value) {
    return duration(Setting.CHECK_TIMEOUT, value);
  }

  /**
   * {@code CHECK_RETRY_INTERVAL}: wait before a host whose last update check failed is checked
   * again; doubles with each further failure, up to {@code CHECK_INTERVAL}.
   */
  public B checkRetryInterval(Duration value) {
    return duration(Setting.CHECK_RETRY_INTERVAL, value);
  }

  /** {@code POLL_INTERVAL}: pause between observations of the cluster while work is in flight. */
  public B pollInterval(Duration value) {
    return duration(Setting.POLL_INTERVAL, value);
  }

  /** {@code COMMAND_POLL_INTERVAL}: pause between reads of a host command's reply. */
  public B commandPollInterval(Duration value) {
    return duration(Setting.COMMAND_POLL_INTERVAL, value);
  }

  /** {@code STAGE_TIMEOUT}: longest download before it counts as failed. */
  public B stageTimeout(Duration value) {
    return duration(Setting.STAGE_TIMEOUT, value);
  }

  /** {@code DRAIN_TIMEOUT}: longest drain; then the instance is set ACTIVE again. */
  public B drainTimeout(Duration value) {
    return duration(Setting.DRAIN_TIMEOUT, value);
  }

  /** {@code ACTIVATE_TIMEOUT}: longest wait for a staged update to become Ready. */
  public B activateTimeout(Duration value) {
    return duration(Setting.ACTIVATE_TIMEOUT, value);
  }

  /** {@code REBOOT_TIMEOUT}: longest wait for the agent to reconnect after the reboot. */
  public B rebootTimeout(Duration value) {
    return duration(Setting.REBOOT_TIMEOUT, value);
  }

  /** {@code REBOOT_GRACE}: least time after the reboot before a connected agent counts. */
  public B rebootGrace(Duration value) {
    return duration(Setting.REBOOT_GRACE, value);
  }

  /** {@code VERIFY_TIMEOUT}: longest wait for the host to report its running version. */
  public B verifyTimeout(Duration value) {
    return duration(Setting.VERIFY_TIMEOUT, value);
  }

  /** {@code RETRY_BACKOFF}: wait before a failed instance is tried again (doubling). */
  public B retryBackoff(Duration value) {
    return duration(Setting.RETRY_BACKOFF, value);
  }

  /** {@code RETRY_BACKOFF_MAX}: upper bound of that wait. */
  public B retryBackoffMax(Duration value) {
    return duration(Setting.RETRY_BACKOFF_MAX, value);
  }

  /** {@code DEADLINE_MARGIN}: time kept free before the Lambda deadline. */
  public B deadlineMargin(Duration value) {
    return duration(Setting.DEADLINE_MARGIN, value);
  }

  /** {@code MAX_PASS_DURATION}: longest pass without a Lambda deadline. */
  public B maxPassDuration(Duration value) {
    return duration(Setting.MAX_PASS_DURATION, value);
  }

  /** {@code MAINTENANCE_WINDOW}: when new updates may start, e.g. {@code Sat,Sun 02:00-06:00}. */
  public B maintenanceWindow(String value) {
    return setting(Setting.MAINTENANCE_WINDOW, value);
  }

  /** {@code MAINTENANCE_TIMEZONE}: IANA time zone of the window, e.g. {@code Europe/Berlin}. */
  public B maintenanceTimezone(String value) {
    return setting(Setting.MAINTENANCE_TIMEZONE, value);
  }

  /** {@code PAUSED}: when true, nothing new starts in any cluster; started updates finish. */
  public B paused(boolean value) {
    return setting(Setting.PAUSED, Boolean.toString(value));
  }

  /**
   * {@code CONTROL_INTERVAL}: how often a pass reads the control parameter again while it runs; a
   * stop takes effect within this time.
   */
  public B controlInterval(Duration value) {
    return duration(Setting.CONTROL_INTERVAL, value);
  }

  /** {@code COMMAND_DELIVERY_TIMEOUT}: how long SSM tries to deliver a command to a host. */
  public B commandDeliveryTimeout(Duration value) {
    return duration(Setting.COMMAND_DELIVERY_TIMEOUT, value);
  }

  /** {@code METRICS_NAMESPACE}: CloudWatch namespace of the metrics and alarms. */
  public B metricsNamespace(String value) {
    return setting(Setting.METRICS_NAMESPACE, value);
  }

  /**
   * {@code TASK_PROTECTION}: {@code respect} (the default; grants {@code ecs:GetTaskProtection} on
   * the clusters' tasks) makes an instance whose service tasks are protected from scale-in wait for
   * the protection to end before its drain; {@code ignore} drains it like any other.
   */
  public B taskProtection(String value) {
    return setting(Setting.TASK_PROTECTION, value);
  }

  /**
   * {@code SCALE_IN_SHIELD}: when true (the default; grants {@code
   * autoscaling:DescribeAutoScalingInstances} and {@code autoscaling:SetInstanceProtection}), an
   * instance of an Auto Scaling group is protected from scale-in while the updater has it out of
   * service; false never touches scale-in protection.
   */
  public B scaleInShield(boolean value) {
    return setting(Setting.SCALE_IN_SHIELD, Boolean.toString(value));
  }

  /**
   * {@code MAX_CONCURRENT} as a share of each cluster's Bottlerocket instances, in percent (1 to
   * 100; rounded down, at least 1): {@code maxConcurrentPercent(25)} is {@code 25%}.
   */
  public B maxConcurrentPercent(int percent) {
    return setting(Setting.MAX_CONCURRENT, percent + "%");
  }

  /** {@code MIN_RELEASE_AGE}: no host takes a Bottlerocket release younger than this. */
  public B minReleaseAge(Duration value) {
    return duration(Setting.MIN_RELEASE_AGE, value);
  }

  /** {@code EXPEDITE_VERSIONS}: versions (e.g. {@code 1.20.3}) that skip MIN_RELEASE_AGE. */
  public B expediteVersions(List<String> value) {
    return setting(Setting.EXPEDITE_VERSIONS, String.join(",", value));
  }

  /** {@code PROMOTE_FROM}: the cluster (name or ARN) that must have run a version first. */
  public B promoteFrom(String value) {
    return setting(Setting.PROMOTE_FROM, value);
  }

  /** {@code PROMOTE_MIN_HOSTS}: how many of its hosts must have run it; default all of them. */
  public B promoteMinHosts(int value) {
    return setting(Setting.PROMOTE_MIN_HOSTS, Integer.toString(value));
  }

  /** {@code PROMOTE_SOAK}: how long they must have run it. */
  public B promoteSoak(Duration value) {
    return duration(Setting.PROMOTE_SOAK, value);
  }

  /** {@code MAX_VERSION}: no host takes a version above this, e.g. {@code 1.20.5}. */
  public B maxVersion(String value) {
    return setting(Setting.MAX_VERSION, value);
  }

  /** {@code ALARM_NAMES}: CloudWatch alarms, metric or composite, that hold new starts. */
  public B alarmNames(List<String> value) {
    return setting(Setting.ALARM_NAMES, String.join(",", value));
  }

  /** {@code ALARM_PREFIX}: every alarm whose name starts with this holds new starts as well. */
  public B alarmPrefix(String value) {
    return setting(Setting.ALARM_PREFIX, value);
  }

  /** {@code ALARM_INSUFFICIENT_DATA}: {@code hold} (default) or {@code ok}. */
  public B alarmInsufficientData(String value) {
    return setting(Setting.ALARM_INSUFFICIENT_DATA, value);
  }

  /** {@code BAKE_TIME}: after each update, how long before the next drain may start. */
  public B bakeTime(Duration value) {
    return duration(Setting.BAKE_TIME, value);
  }

  /** {@code CANARY_HOSTS}: the first hosts of a new version, one at a time. */
  public B canaryHosts(int value) {
    return setting(Setting.CANARY_HOSTS, Integer.toString(value));
  }

  /** {@code CANARY_BAKE_TIME}: the bake after the last canary; default BAKE_TIME. */
  public B canaryBakeTime(Duration value) {
    return duration(Setting.CANARY_BAKE_TIME, value);
  }

  /** {@code CHANGE_CALENDARS}: SSM Change Calendars (names or ARNs) that must be OPEN. */
  public B changeCalendars(List<String> value) {
    return setting(Setting.CHANGE_CALENDARS, String.join(",", value));
  }

  private B duration(Setting setting, Duration value) {
    return setting(setting, FunctionSettings.duration(value));
  }

  /**
   * A plain function setting as text in the function's syntax: the typed methods above, and the
   * deploy keys, which pass the operator's text on for the function's own parser to check.
   */
  B setting(Setting setting, String value) {
    if (!FunctionSettings.isPlain(setting)) {
      throw new IllegalArgumentException(setting + " is derived by the construct, not a prop");
    }
    settings.put(setting, Objects.requireNonNull(value, setting.key() + " must not be null"));
    return self();
  }
}
