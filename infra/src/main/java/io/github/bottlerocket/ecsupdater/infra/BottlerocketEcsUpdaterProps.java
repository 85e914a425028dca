package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.Setting;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * What a {@link BottlerocketEcsUpdater} manages and how. Immutable; made with {@link #builder()}.
 * Only the clusters are required.
 *
 * <p>Defaults are resolved one way: a getter returns the value given, or the {@code DEFAULT_...}
 * constant it names; a default that depends on the stack (document prefix, control parameter name,
 * code) is an empty {@code Optional} that the construct fills in. The function's settings
 * (durations, limits, window, pause) are kept as the text the function reads, and {@link
 * #getSetting(Setting)} returns it, or the function's own default ({@link Setting#defaultValue()}).
 * docs/construct.md lists every prop with its type, default and meaning.
 *
 * <p>The values are checked by {@link BottlerocketEcsUpdater} before it creates anything; see
 * {@link InvalidPropsException}.
 */
public final class BottlerocketEcsUpdaterProps {
  /** Memory of the function, in MB. */
  public static final int DEFAULT_MEMORY_SIZE = 512;

  /** Schedule of the reconcile passes. */
  public static final String DEFAULT_SCHEDULE = "rate(15 minutes)";

  /** How long the log group keeps events. */
  public static final RetentionDays DEFAULT_LOG_RETENTION = RetentionDays.THREE_MONTHS;

  /** What happens to the log group when the stack is deleted: it is the record of the updates. */
  public static final RemovalPolicy DEFAULT_LOG_REMOVAL_POLICY = RemovalPolicy.RETAIN;

  /** Processor architecture of the function. */
  public static final Architecture DEFAULT_ARCHITECTURE = Architecture.ARM_64;

  private final List<ICluster> clusters;
  private final List<String> clusterArns;
  private final Schedule schedule;
  private final RetentionDays logRetention;
  private final RemovalPolicy logRemovalPolicy;
  private final ITopic alarmTopic;
  private final Integer memorySize;
  private final Architecture architecture;
  private final Code code;
  private final Boolean ecsEventTrigger;
  private final Boolean concurrencyGuard;
  private final IEventBus eventBus;
  private final Boolean publishEvents;
  private final String documentPrefix;
  private final String instanceTagKey;
  private final String instanceTagValue;
  private final String controlParameterName;
  private final String leaseTableName;
  private final String fanOutQueueName;
  private final Integer clusterConcurrency;
  private final Map<String, String> tags;
  private final Map<Setting, String> settings;
  private final List<IAlarm> alarms;

  private BottlerocketEcsUpdaterProps(Builder b) {
    this.clusters = List.copyOf(b.clusters);
    this.clusterArns = List.copyOf(b.clusterArns);
    this.schedule = b.schedule;
    this.logRetention = b.logRetention;
    this.logRemovalPolicy = b.logRemovalPolicy;
    this.alarmTopic = b.alarmTopic;
    this.memorySize = b.memorySize;
    this.architecture = b.architecture;
    this.code = b.code;
    this.ecsEventTrigger = b.ecsEventTrigger;
    this.concurrencyGuard = b.concurrencyGuard;
    this.eventBus = b.eventBus;
    this.publishEvents = b.publishEvents;
    this.documentPrefix = b.documentPrefix;
    this.instanceTagKey = b.instanceTagKey;
    this.instanceTagValue = b.instanceTagValue;
    this.controlParameterName = b.controlParameterName;
    this.leaseTableName = b.leaseTableName;
    this.fanOutQueueName = b.fanOutQueueName;
    this.clusterConcurrency = b.clusterConcurrency;
    this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    this.settings = Collections.unmodifiableMap(new EnumMap<>(b.settings));
    this.alarms = List.copyOf(b.alarms);
  }

  public static Builder builder() {
    return new Builder();
  }

  private static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }

  /** Clusters to manage, as constructs. With {@link #getClusterArns()}, at least one. */
  public List<ICluster> getClusters() {
    return clusters;
  }

  /** Clusters to manage, as ARNs. With {@link #getClusters()}, at least one. */
  public List<String> getClusterArns() {
    return clusterArns;
  }

  /** When a pass over every managed cluster starts; default {@value #DEFAULT_SCHEDULE}. */
  public Schedule getSchedule() {
    return orDefault(schedule, Schedule.expression(DEFAULT_SCHEDULE));
  }

  /** Retention of the function's log group; default {@link #DEFAULT_LOG_RETENTION}. */
  public RetentionDays getLogRetention() {
    return orDefault(logRetention, DEFAULT_LOG_RETENTION);
  }

  /** The log group on stack deletion; default {@link #DEFAULT_LOG_REMOVAL_POLICY}. */
  public RemovalPolicy getLogRemovalPolicy() {
    return orDefault(logRemovalPolicy, DEFAULT_LOG_REMOVAL_POLICY);
  }

  /** Topic the alarms notify; default none. */
  public Optional<ITopic> getAlarmTopic() {
    return Optional.ofNullable(alarmTopic);
  }

  /** Function memory in MB; default {@value #DEFAULT_MEMORY_SIZE}. */
  public int getMemorySize() {
    return orDefault(memorySize, DEFAULT_MEMORY_SIZE);
  }

  /** Function architecture; default {@link #DEFAULT_ARCHITECTURE}. */
  public Architecture getArchitecture() {
    return orDefault(architecture, DEFAULT_ARCHITECTURE);
  }

  /** The function code; default empty: the function jar bundled in this library. */
  public Optional<Code> getCode() {
    return Optional.ofNullable(code);
  }

  /** Whether ECS container instance events start a pass; default true. */
  public boolean isEcsEventTrigger() {
    return orDefault(ecsEventTrigger, true);
  }

  /** Whether the function gets reserved concurrency 1; default false: the lease guards passes. */
  public boolean isConcurrencyGuard() {
    return orDefault(concurrencyGuard, false);
  }

  /** Bus for the updater's events; default empty: the account's default bus. */
  public Optional<IEventBus> getEventBus() {
    return Optional.ofNullable(eventBus);
  }

  /** Whether the function puts events on the bus; default true. */
  public boolean isPublishEvents() {
    return orDefault(publishEvents, true);
  }

  /** Prefix of the SSM document names; default empty: the stack name and {@code -}. */
  public Optional<String> getDocumentPrefix() {
    return Optional.ofNullable(documentPrefix);
  }

  /** Tag key the instances that may receive commands carry; default none. */
  public Optional<String> getInstanceTagKey() {
    return Optional.ofNullable(instanceTagKey);
  }

  /** Value of the instance tag; default none. */
  public Optional<String> getInstanceTagValue() {
    return Optional.ofNullable(instanceTagValue);
  }

  /**
   * Name of the control parameter the construct creates; default empty: {@value
   * BottlerocketEcsUpdater#CONTROL_PARAMETER_PREFIX}{@code <stack name>/control}.
   */
  public Optional<String> getControlParameterName() {
    return Optional.ofNullable(controlParameterName);
  }

  /**
   * Name of the lease table the construct creates; default empty: the document prefix followed by
   * {@code Leases}.
   */
  public Optional<String> getLeaseTableName() {
    return Optional.ofNullable(leaseTableName);
  }

  /**
   * Name of the fan-out queue the construct creates; default empty: the document prefix followed by
   * {@code FanOut.fifo}.
   */
  public Optional<String> getFanOutQueueName() {
    return Optional.ofNullable(fanOutQueueName);
  }

  /**
   * How many clusters' passes run at once, at most; default {@value #DEFAULT_CLUSTER_CONCURRENCY}.
   */
  public int getClusterConcurrency() {
    return orDefault(clusterConcurrency, DEFAULT_CLUSTER_CONCURRENCY);
  }

  /** The default of {@link #getClusterConcurrency()}. */
  public static final int DEFAULT_CLUSTER_CONCURRENCY = 5;

  /** Tags for every resource the construct creates, besides its own; default none. */
  public Map<String, String> getTags() {
    return tags;
  }

  /** Alarms that hold new starts while not OK, joining {@code alarmNames}; default none. */
  public List<IAlarm> getAlarms() {
    return alarms;
  }

  /**
   * A function setting as the function reads it: the value given through its prop, or the
   * function's default. Only the settings that are props of their own are kept here; the construct
   * derives the others (clusters, document prefix, event bus, control parameter).
   */
  public String getSetting(Setting setting) {
    return orDefault(settings.get(setting), setting.defaultValue());
  }

  /** The function settings given explicitly. */
  Map<Setting, String> givenSettings() {
    return settings;
  }

  /**
   * Builds {@link BottlerocketEcsUpdaterProps}. Each function setting's default and meaning are
   * those of {@link Setting} (and the README's configuration table).
   */
  public static final class Builder extends FunctionSettingProps<Builder> {
    private final List<ICluster> clusters = new ArrayList<>();
    private final List<String> clusterArns = new ArrayList<>();
    private Schedule schedule;
    private RetentionDays logRetention;
    private RemovalPolicy logRemovalPolicy;
    private ITopic alarmTopic;
    private Integer memorySize;
    private Architecture architecture;
    private Code code;
    private Boolean ecsEventTrigger;
    private Boolean concurrencyGuard;
    private IEventBus eventBus;
    private Boolean publishEvents;
    private String documentPrefix;
    private String instanceTagKey;
    private String instanceTagValue;
    private String controlParameterName;
    private String leaseTableName;
    private String fanOutQueueName;
    private Integer clusterConcurrency;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final List<IAlarm> alarms = new ArrayList<>();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Adds clusters to manage, e.g. {@code Cluster.fromClusterArn(...)} or a cluster of the app.
     */
    public Builder clusters(List<? extends ICluster> value) {
      value.forEach(c -> clusters.add(Objects.requireNonNull(c, "clusters must not contain null")));
      return this;
    }

    /**
     * Adds clusters to manage by ARN ({@code arn:aws:ecs:<region>:<account>:cluster/<name>}), in
     * the stack's account and region (the function setting {@code ALLOWED_CLUSTERS}).
     */
    public Builder clusterArns(List<String> value) {
      value.forEach(
          a -> clusterArns.add(Objects.requireNonNull(a, "clusterArns must not contain null")));
      return this;
    }

    /**
     * When a pass starts; each pass continues where the last one stopped, so this is also how soon
     * a long step is looked at again.
     */
    public Builder schedule(Schedule value) {
      this.schedule = value;
      return this;
    }

    /** How long the function's log group keeps its events. */
    public Builder logRetention(RetentionDays value) {
      this.logRetention = value;
      return this;
    }

    /** What happens to the log group when the stack is deleted or the construct removed. */
    public Builder logRemovalPolicy(RemovalPolicy value) {
      this.logRemovalPolicy = value;
      return this;
    }

    /** Topic that the alarms notify when they go into ALARM. */
    public Builder alarmTopic(ITopic value) {
      this.alarmTopic = value;
      return this;
    }

    /** Memory of the function in MB (Lambda scales CPU with it). */
    public Builder memorySize(int value) {
      this.memorySize = value;
      return this;
    }

    /** Processor architecture of the function; the jar has no native code, so both run it. */
    public Builder architecture(Architecture value) {
      this.architecture = value;
      return this;
    }

    /** The function code, instead of the jar bundled in this library (e.g. a build of your own). */
    public Builder code(Code value) {
      this.code = value;
      return this;
    }

    /**
     * Whether a rule starts a pass when a container instance the updater is updating changes state
     * (its agent reconnects after the reboot), instead of waiting for the next tick. Needs the
     * concurrency guard.
     */
    public Builder ecsEventTrigger(boolean value) {
      this.ecsEventTrigger = value;
      return this;
    }

    /**
     * Whether the function reserves a concurrency of 1, so that at most one invocation runs at a
     * time. The per-cluster lease already keeps passes over one cluster apart; this also keeps
     * every cluster's passes in one invocation at a time. Lambda refuses it when less than 100
     * unreserved executions would remain (quota {@code L-B99A9384}).
     */
    public Builder concurrencyGuard(boolean value) {
      this.concurrencyGuard = value;
      return this;
    }

    /** Event bus for the updater's events (the function setting {@code EVENT_BUS}). */
    public Builder eventBus(IEventBus value) {
      this.eventBus = value;
      return this;
    }

    /**
     * Whether the function puts its events on the bus; false writes {@code EVENT_BUS=none} and
     * grants no {@code events:PutEvents}.
     */
    public Builder publishEvents(boolean value) {
      this.publishEvents = value;
      return this;
    }

    /**
     * Prefix of the SSM documents' names ({@code <prefix>Check}, ...; the function setting {@code
     * SSM_DOCUMENT_PREFIX}). Document names are unique per account and region.
     */
    public Builder documentPrefix(String value) {
      this.documentPrefix = value;
      return this;
    }

    /**
     * Narrows {@code ssm:SendCommand} from every EC2 instance of the account and region to those
     * with this tag (for example the one your Auto Scaling group puts on the cluster's instances).
     */
    public Builder instanceTag(String key, String value) {
      this.instanceTagKey = key;
      this.instanceTagValue = value;
      return this;
    }

    /**
     * Name of the SSM parameter the construct creates as the stack-wide switch (the function
     * setting {@code CONTROL_PARAMETER}); give a second updater in one stack its own.
     */
    public Builder controlParameterName(String value) {
      this.controlParameterName = value;
      return this;
    }

    /**
     * Name of the DynamoDB table of the per-cluster leases that the construct creates (the function
     * setting {@code LEASE_TABLE}); unique per account and region.
     */
    public Builder leaseTableName(String value) {
      this.leaseTableName = value;
      return this;
    }

    /**
     * Name of the SQS FIFO queue the construct creates to fan a schedule tick out, one message per
     * cluster (the function setting {@code FAN_OUT_QUEUE}); it must end in {@code .fifo} and be
     * unique per account and region.
     */
    public Builder fanOutQueueName(String value) {
      this.fanOutQueueName = value;
      return this;
    }

    /**
     * How many clusters' passes run at once, at most: the maximum concurrency of the fan-out
     * queue's event source mapping, 2 to 1,000 (default 5). Each pass takes one concurrent
     * execution of the account's pool; none is reserved.
     */
    public Builder clusterConcurrency(int value) {
      this.clusterConcurrency = value;
      return this;
    }

    /** Adds tags to every resource the construct creates (for example for cost allocation). */
    public Builder tags(Map<String, String> value) {
      value.forEach((k, v) -> tags.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
      return this;
    }

    /** Alarms that hold new starts while not OK, as constructs (added to {@code ALARM_NAMES}). */
    public Builder alarms(List<? extends IAlarm> value) {
      value.forEach(a -> alarms.add(Objects.requireNonNull(a, "alarms must not contain null")));
      return this;
    }

    public BottlerocketEcsUpdaterProps build() {
      return new BottlerocketEcsUpdaterProps(this);
    }
  }
}
