package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * What a {@link BottlerocketEcsUpdater} manages and how. Immutable; made with {@link #builder()}.
 * Only the clusters are required. Every other value has a default, stated on its getter, and the
 * defaults of the updater's own settings are those of the function ({@link Setting}).
 *
 * <p>The values are checked by {@link BottlerocketEcsUpdater} before it creates anything; see
 * {@link InvalidPropsException}.
 */
public final class BottlerocketEcsUpdaterProps {
  /** Memory of the function when none is given, in MB. */
  public static final int DEFAULT_MEMORY_SIZE = 512;

  /** Schedule of the reconcile passes when none is given. */
  public static final String DEFAULT_SCHEDULE = "rate(15 minutes)";

  private final List<ICluster> clusters;
  private final List<String> clusterArns;
  private final Schedule schedule;
  private final String maintenanceWindow;
  private final String maintenanceTimezone;
  private final Integer maxConcurrent;
  private final Duration drainTimeout;
  private final Duration rebootTimeout;
  private final Integer failureBudget;
  private final Duration checkInterval;
  private final Boolean paused;
  private final RetentionDays logRetention;
  private final ITopic alarmTopic;
  private final Integer memorySize;
  private final Architecture architecture;
  private final Code code;
  private final Boolean ecsEventTrigger;
  private final Boolean concurrencyGuard;
  private final IEventBus eventBus;
  private final String metricsNamespace;
  private final String documentPrefix;
  private final String instanceTagKey;
  private final String instanceTagValue;

  private BottlerocketEcsUpdaterProps(Builder b) {
    this.clusters = List.copyOf(b.clusters);
    this.clusterArns = List.copyOf(b.clusterArns);
    this.schedule = b.schedule;
    this.maintenanceWindow = b.maintenanceWindow;
    this.maintenanceTimezone = b.maintenanceTimezone;
    this.maxConcurrent = b.maxConcurrent;
    this.drainTimeout = b.drainTimeout;
    this.rebootTimeout = b.rebootTimeout;
    this.failureBudget = b.failureBudget;
    this.checkInterval = b.checkInterval;
    this.paused = b.paused;
    this.logRetention = b.logRetention;
    this.alarmTopic = b.alarmTopic;
    this.memorySize = b.memorySize;
    this.architecture = b.architecture;
    this.code = b.code;
    this.ecsEventTrigger = b.ecsEventTrigger;
    this.concurrencyGuard = b.concurrencyGuard;
    this.eventBus = b.eventBus;
    this.metricsNamespace = b.metricsNamespace;
    this.documentPrefix = b.documentPrefix;
    this.instanceTagKey = b.instanceTagKey;
    this.instanceTagValue = b.instanceTagValue;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Clusters to manage, given as constructs (for example {@code Cluster.fromClusterArn(...)} or a
   * cluster of the same app). Together with {@link #getClusterArns()} at least one is required.
   *
   * @default none
   */
  public List<ICluster> getClusters() {
    return clusters;
  }

  /**
   * Clusters to manage, given as ARNs ({@code arn:aws:ecs:<region>:<account>:cluster/<name>}). They
   * must be in the stack's account and region. Together with {@link #getClusters()} at least one is
   * required.
   *
   * @default none
   */
  public List<String> getClusterArns() {
    return clusterArns;
  }

  /**
   * When a reconcile pass over every managed cluster starts. Each pass continues where the last one
   * stopped, so this is also how soon a long step (a drain, a reboot) is looked at again.
   *
   * @default {@value #DEFAULT_SCHEDULE}
   */
  public Schedule getSchedule() {
    return schedule != null ? schedule : Schedule.expression(DEFAULT_SCHEDULE);
  }

  /**
   * When new updates may start, e.g. {@code Sat,Sun 02:00-06:00}; updates under way always finish.
   * The function's {@code MAINTENANCE_WINDOW} setting, in its syntax.
   *
   * @default empty: always
   */
  public String getMaintenanceWindow() {
    return maintenanceWindow != null
        ? maintenanceWindow
        : Setting.MAINTENANCE_WINDOW.defaultValue();
  }

  /**
   * IANA time zone of the maintenance window, e.g. {@code Europe/Berlin}.
   *
   * @default {@code UTC}
   */
  public String getMaintenanceTimezone() {
    return maintenanceTimezone != null
        ? maintenanceTimezone
        : Setting.MAINTENANCE_TIMEZONE.defaultValue();
  }

  /**
   * Most instances of one cluster out of service (draining or rebooting) at once.
   *
   * @default 1
   */
  public int getMaxConcurrent() {
    return maxConcurrent != null
        ? maxConcurrent
        : Integer.parseInt(Setting.MAX_CONCURRENT.defaultValue());
  }

  /**
   * Longest drain; after it the instance is set ACTIVE again and tried later.
   *
   * @default 30 minutes
   */
  public Duration getDrainTimeout() {
    return drainTimeout != null ? drainTimeout : settingDefault(Setting.DRAIN_TIMEOUT);
  }

  /**
   * Longest wait for the ECS agent to reconnect after a reboot; after it the instance stays
   * DRAINING, is marked failed and counts against the failure budget.
   *
   * @default 20 minutes
   */
  public Duration getRebootTimeout() {
    return rebootTimeout != null ? rebootTimeout : settingDefault(Setting.REBOOT_TIMEOUT);
  }

  /**
   * Failed updates a cluster may carry before its circuit breaker stops new starts there.
   *
   * @default 0: the first failure stops new starts
   */
  public int getFailureBudget() {
    return failureBudget != null
        ? failureBudget
        : Integer.parseInt(Setting.FAILURE_BUDGET.defaultValue());
  }

  /**
   * Least time between two update checks of a cluster's idle instances.
   *
   * @default 1 hour
   */
  public Duration getCheckInterval() {
    return checkInterval != null ? checkInterval : settingDefault(Setting.CHECK_INTERVAL);
  }

  /**
   * When true, nothing new starts in any managed cluster; updates under way finish.
   *
   * @default false
   */
  public boolean isPaused() {
    return paused != null ? paused : Boolean.parseBoolean(Setting.PAUSED.defaultValue());
  }

  /**
   * How long the function's log group keeps its events.
   *
   * @default three months
   */
  public RetentionDays getLogRetention() {
    return logRetention != null ? logRetention : RetentionDays.THREE_MONTHS;
  }

  /**
   * Topic that the alarms notify when they go into ALARM.
   *
   * @default none: the alarms only change state
   */
  public Optional<ITopic> getAlarmTopic() {
    return Optional.ofNullable(alarmTopic);
  }

  /**
   * Memory of the function in MB (Lambda also scales CPU with it).
   *
   * @default {@value #DEFAULT_MEMORY_SIZE}
   */
  public int getMemorySize() {
    return memorySize != null ? memorySize : DEFAULT_MEMORY_SIZE;
  }

  /**
   * Processor architecture of the function. The jar has no native code, so both run it.
   *
   * @default {@code Architecture.ARM_64}
   */
  public Architecture getArchitecture() {
    return architecture != null ? architecture : Architecture.ARM_64;
  }

  /**
   * The function code.
   *
   * @default the shaded jar {@code lambda/target/bottlerocket-ecs-updater.jar} of this repository,
   *     looked up from the working directory and its parent ({@link
   *     BottlerocketEcsUpdater#defaultCode()})
   */
  public Optional<Code> getCode() {
    return Optional.ofNullable(code);
  }

  /**
   * Whether an EventBridge rule runs a pass when a container instance that the updater is updating
   * changes state (for example when its agent reconnects after the reboot), instead of waiting for
   * the next tick. Needs the concurrency guard.
   *
   * @default true
   */
  public boolean isEcsEventTrigger() {
    return ecsEventTrigger != null ? ecsEventTrigger : true;
  }

  /**
   * Whether the function gets reserved concurrency 1, so that passes never overlap. Lambda refuses
   * a reservation that leaves less than 100 unreserved concurrent executions in the account and
   * region (new accounts start with a quota of 10): ask for a higher quota (Service Quotas, code
   * {@code L-B99A9384}) or set this to false. Without the guard only a schedule whose ticks are at
   * least the function timeout apart is accepted, and no ECS event rule.
   *
   * @default true
   */
  public boolean isConcurrencyGuard() {
    return concurrencyGuard != null ? concurrencyGuard : true;
  }

  /**
   * Event bus that the function puts its events on (source {@value
   * io.github.bottlerocket.ecsupdater.aws.EventBridgeAdapter#SOURCE}).
   *
   * @default the account's default event bus
   */
  public Optional<IEventBus> getEventBus() {
    return Optional.ofNullable(eventBus);
  }

  /**
   * CloudWatch namespace of the function's metrics and of the alarms. Two installations in one
   * account and region should use different namespaces, or each alarm sees both.
   *
   * @default {@code BottlerocketEcsUpdater}
   */
  public String getMetricsNamespace() {
    return metricsNamespace != null ? metricsNamespace : Setting.METRICS_NAMESPACE.defaultValue();
  }

  /**
   * Prefix of the SSM documents' names ({@code <prefix>Check}, {@code <prefix>Reboot}, ...).
   * Document names are unique per account and region.
   *
   * @default the stack name followed by {@code -}
   */
  public Optional<String> getDocumentPrefix() {
    return Optional.ofNullable(documentPrefix);
  }

  /**
   * Tag key that every EC2 instance the function may send commands to carries (with {@link
   * #getInstanceTagValue()}); narrows {@code ssm:SendCommand} from every instance of the account
   * and region to those.
   *
   * @default none: any instance of the account and region
   */
  public Optional<String> getInstanceTagKey() {
    return Optional.ofNullable(instanceTagKey);
  }

  /**
   * Value of the {@link #getInstanceTagKey() instance tag}.
   *
   * @default none
   */
  public Optional<String> getInstanceTagValue() {
    return Optional.ofNullable(instanceTagValue);
  }

  private static Duration settingDefault(Setting setting) {
    return Duration.millis(Durations.parse(setting.defaultValue()).toMillis());
  }

  /**
   * Builds {@link BottlerocketEcsUpdaterProps}. Each setter's default is on the matching getter.
   */
  public static final class Builder {
    private final List<ICluster> clusters = new ArrayList<>();
    private final List<String> clusterArns = new ArrayList<>();
    private Schedule schedule;
    private String maintenanceWindow;
    private String maintenanceTimezone;
    private Integer maxConcurrent;
    private Duration drainTimeout;
    private Duration rebootTimeout;
    private Integer failureBudget;
    private Duration checkInterval;
    private Boolean paused;
    private RetentionDays logRetention;
    private ITopic alarmTopic;
    private Integer memorySize;
    private Architecture architecture;
    private Code code;
    private Boolean ecsEventTrigger;
    private Boolean concurrencyGuard;
    private IEventBus eventBus;
    private String metricsNamespace;
    private String documentPrefix;
    private String instanceTagKey;
    private String instanceTagValue;

    private Builder() {}

    /** Adds clusters to manage. See {@link BottlerocketEcsUpdaterProps#getClusters()}. */
    public Builder clusters(List<? extends ICluster> value) {
      value.forEach(c -> clusters.add(Objects.requireNonNull(c, "clusters must not contain null")));
      return this;
    }

    /** Adds clusters to manage by ARN. See {@link BottlerocketEcsUpdaterProps#getClusterArns()}. */
    public Builder clusterArns(List<String> value) {
      value.forEach(
          a -> clusterArns.add(Objects.requireNonNull(a, "clusterArns must not contain null")));
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getSchedule()}. */
    public Builder schedule(Schedule value) {
      this.schedule = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getMaintenanceWindow()}. */
    public Builder maintenanceWindow(String value) {
      this.maintenanceWindow = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getMaintenanceTimezone()}. */
    public Builder maintenanceTimezone(String value) {
      this.maintenanceTimezone = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getMaxConcurrent()}. */
    public Builder maxConcurrent(int value) {
      this.maxConcurrent = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getDrainTimeout()}. */
    public Builder drainTimeout(Duration value) {
      this.drainTimeout = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getRebootTimeout()}. */
    public Builder rebootTimeout(Duration value) {
      this.rebootTimeout = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getFailureBudget()}. */
    public Builder failureBudget(int value) {
      this.failureBudget = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getCheckInterval()}. */
    public Builder checkInterval(Duration value) {
      this.checkInterval = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#isPaused()}. */
    public Builder paused(boolean value) {
      this.paused = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getLogRetention()}. */
    public Builder logRetention(RetentionDays value) {
      this.logRetention = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getAlarmTopic()}. */
    public Builder alarmTopic(ITopic value) {
      this.alarmTopic = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getMemorySize()}. */
    public Builder memorySize(int value) {
      this.memorySize = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getArchitecture()}. */
    public Builder architecture(Architecture value) {
      this.architecture = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getCode()}. */
    public Builder code(Code value) {
      this.code = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#isEcsEventTrigger()}. */
    public Builder ecsEventTrigger(boolean value) {
      this.ecsEventTrigger = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#isConcurrencyGuard()}. */
    public Builder concurrencyGuard(boolean value) {
      this.concurrencyGuard = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getEventBus()}. */
    public Builder eventBus(IEventBus value) {
      this.eventBus = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getMetricsNamespace()}. */
    public Builder metricsNamespace(String value) {
      this.metricsNamespace = value;
      return this;
    }

    /** See {@link BottlerocketEcsUpdaterProps#getDocumentPrefix()}. */
    public Builder documentPrefix(String value) {
      this.documentPrefix = value;
      return this;
    }

    /**
     * Narrows {@code ssm:SendCommand} to instances with this tag. See {@link
     * BottlerocketEcsUpdaterProps#getInstanceTagKey()}.
     */
    public Builder instanceTag(String key, String value) {
      this.instanceTagKey = key;
      this.instanceTagValue = value;
      return this;
    }

    public BottlerocketEcsUpdaterProps build() {
      return new BottlerocketEcsUpdaterProps(this);
    }
  }
}
