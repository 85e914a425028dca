package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.Flag;
import io.github.bottlerocket.ecsupdater.config.Setting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * The deployment choices an operator passes to {@code cdk synth} / {@code cdk deploy} with {@code
 * -c key=value} (or in {@code cdk.json}), read and checked in one place. Every key is optional;
 * without {@value #CLUSTER_ARN} the template takes the cluster as a CloudFormation parameter.
 *
 * @param clusterArns the clusters to manage, from {@value #CLUSTER_ARN} (comma-separated)
 * @param stackName the stack name
 * @param alarmTopicArn an SNS topic for the alarms
 * @param eventBus the name or ARN of the bus for the updater's events, when not the default bus
 * @param settings the other keys, applied to the construct's props
 */
public record DeployContext(
    List<String> clusterArns,
    String stackName,
    Optional<String> alarmTopicArn,
    Optional<String> eventBus,
    List<Function<BottlerocketEcsUpdaterProps.Builder, BottlerocketEcsUpdaterProps.Builder>>
        settings) {

  public static final String CLUSTER_ARN = "clusterArn";
  public static final String STACK_NAME = "stackName";
  public static final String SCHEDULE = "schedule";
  public static final String LOG_RETENTION_DAYS = "logRetentionDays";
  public static final String LOG_REMOVAL_POLICY = "logRemovalPolicy";
  public static final String ALARM_TOPIC_ARN = "alarmTopicArn";
  public static final String MEMORY_SIZE = "memorySize";
  public static final String ARCHITECTURE = "architecture";
  public static final String ECS_EVENT_TRIGGER = "ecsEventTrigger";
  public static final String CONCURRENCY_GUARD = "concurrencyGuard";
  public static final String EVENT_BUS = "eventBus";
  public static final String DOCUMENT_PREFIX = "documentPrefix";
  public static final String INSTANCE_TAG = "instanceTag";
  public static final String CONTROL_PARAMETER_NAME = "controlParameterName";
  public static final String LEASE_TABLE_NAME = "leaseTableName";
  public static final String FAN_OUT_QUEUE_NAME = "fanOutQueueName";
  public static final String CLUSTER_CONCURRENCY = "clusterConcurrency";
  public static final String TAGS = "tags";

  /**
   * Every key this app reads: those above, then one per plain function setting, named like its prop
   * ({@code drainTimeout}, {@code stageTimeout}, ...), passed to the function's own parser.
   */
  public static final List<String> KEYS = keys();

  /** The stack name when {@value #STACK_NAME} is not given. */
  public static final String DEFAULT_STACK_NAME = "BottlerocketEcsUpdater";

  private static final Pattern STACK_NAME_PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");
  private static final Pattern TOPIC_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}");
  private static final Pattern INSTANCE_TAG_PATTERN = Pattern.compile("([^=]+)=(.*)");
  private static final Pattern BUS_NAME = Pattern.compile("[A-Za-z0-9/_.\\-]{1,256}");
  private static final Pattern BUS_ARN = Pattern.compile("arn:aws[a-z-]*:events:.+:event-bus/.+");
  private static final Map<Integer, RetentionDays> RETENTION = retentionByDays();

  public DeployContext {
    clusterArns = List.copyOf(clusterArns);
    settings = List.copyOf(settings);
  }

  /**
   * Reads the context.
   *
   * @param all every context value, as {@code node.getAllContext()} returns it; keys with {@code :}
   *     or {@code /} belong to the CDK (feature flags, lookups) and are not looked at
   * @throws InvalidContextException listing each key that is wrong and what it accepts
   */
  public static DeployContext from(Map<String, ?> all) {
    Reader r = new Reader(all);
    r.rejectUnknownKeys();
    List<String> arns =
        r.text(CLUSTER_ARN)
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList())
            .orElse(List.of());
    String stackName = r.text(STACK_NAME).orElse(DEFAULT_STACK_NAME);
    if (!STACK_NAME_PATTERN.matcher(stackName).matches()) {
      r.problem(
          STACK_NAME,
          "a CloudFormation stack name (a letter, then letters, digits and '-', at most 128)",
          stackName);
    }
    Optional<String> topic = r.text(ALARM_TOPIC_ARN);
    topic.ifPresent(
        t -> {
          if (!TOPIC_ARN.matcher(t).matches()) {
            r.problem(
                ALARM_TOPIC_ARN, "an SNS topic ARN, arn:aws:sns:<region>:<account>:<name>", t);
          }
        });
    List<Function<BottlerocketEcsUpdaterProps.Builder, BottlerocketEcsUpdaterProps.Builder>> s =
        new ArrayList<>();
    for (Setting setting : Setting.values()) {
      if (FunctionSettings.isPlain(setting)) {
        r.text(FunctionSettings.deployKey(setting))
            .ifPresent(v -> s.add(b -> b.setting(setting, v)));
      }
    }
    r.text(SCHEDULE).ifPresent(v -> s.add(b -> b.schedule(Schedule.expression(v))));
    r.integer(LOG_RETENTION_DAYS)
        .ifPresent(
            v -> {
              RetentionDays days = RETENTION.get(v);
              if (days == null) {
                r.problem(
                    LOG_RETENTION_DAYS,
                    "one of CloudWatch Logs' retention periods: "
                        + RETENTION.keySet().stream()
                            .map(String::valueOf)
                            .collect(Collectors.joining(", ")),
                    v.toString());
              } else {
                s.add(b -> b.logRetention(days));
              }
            });
    r.text(LOG_REMOVAL_POLICY)
        .ifPresent(
            v -> {
              switch (v.toLowerCase(Locale.ROOT)) {
                case "retain" -> s.add(b -> b.logRemovalPolicy(RemovalPolicy.RETAIN));
                case "destroy" -> s.add(b -> b.logRemovalPolicy(RemovalPolicy.DESTROY));
                default -> r.problem(LOG_REMOVAL_POLICY, "retain or destroy", v);
              }
            });
    r.integer(MEMORY_SIZE).ifPresent(v -> s.add(b -> b.memorySize(v)));
    r.integer(CLUSTER_CONCURRENCY).ifPresent(v -> s.add(b -> b.clusterConcurrency(v)));
    r.text(ARCHITECTURE)
        .ifPresent(
            v -> {
              switch (v.toLowerCase(Locale.ROOT)) {
                case "arm64" -> s.add(b -> b.architecture(Architecture.ARM_64));
                case "x86_64" -> s.add(b -> b.architecture(Architecture.X86_64));
                default -> r.problem(ARCHITECTURE, "arm64 or x86_64", v);
              }
            });
    r.bool(ECS_EVENT_TRIGGER).ifPresent(v -> s.add(b -> b.ecsEventTrigger(v)));
    r.bool(CONCURRENCY_GUARD).ifPresent(v -> s.add(b -> b.concurrencyGuard(v)));
    Optional<String> bus = r.text(EVENT_BUS);
    bus.ifPresent(
        v -> {
          if (v.equalsIgnoreCase("none")) {
            s.add(b -> b.publishEvents(false));
          } else if (!BUS_NAME.matcher(v).matches() && !BUS_ARN.matcher(v).matches()) {
            r.problem(EVENT_BUS, "an event bus name or ARN, or none to send no events", v);
          }
        });
    r.text(DOCUMENT_PREFIX).ifPresent(v -> s.add(b -> b.documentPrefix(v)));
    r.text(CONTROL_PARAMETER_NAME).ifPresent(v -> s.add(b -> b.controlParameterName(v)));
    r.text(LEASE_TABLE_NAME).ifPresent(v -> s.add(b -> b.leaseTableName(v)));
    r.text(FAN_OUT_QUEUE_NAME).ifPresent(v -> s.add(b -> b.fanOutQueueName(v)));
    r.text(INSTANCE_TAG)
        .ifPresent(
            v -> {
              Matcher m = INSTANCE_TAG_PATTERN.matcher(v);
              if (m.matches()) {
                s.add(b -> b.instanceTag(m.group(1).strip(), m.group(2).strip()));
              } else {
                r.problem(INSTANCE_TAG, "key=value, e.g. ecs-cluster=prod", v);
              }
            });
    r.map(TAGS).ifPresent(v -> s.add(b -> b.tags(v)));
    r.throwIfAny();
    return new DeployContext(
        arns, stackName, topic, bus.filter(v -> !v.equalsIgnoreCase("none")), s);
  }

  /** Applies the settings to a props builder. */
  BottlerocketEcsUpdaterProps.Builder apply(BottlerocketEcsUpdaterProps.Builder builder) {
    BottlerocketEcsUpdaterProps.Builder b = builder;
    for (var setting : settings) {
      b = setting.apply(b);
    }
    return b;
  }

  private static List<String> keys() {
    List<String> keys =
        new ArrayList<>(
            List.of(
                CLUSTER_ARN,
                STACK_NAME,
                SCHEDULE,
                LOG_RETENTION_DAYS,
                LOG_REMOVAL_POLICY,
                ALARM_TOPIC_ARN,
                MEMORY_SIZE,
                ARCHITECTURE,
                ECS_EVENT_TRIGGER,
                CONCURRENCY_GUARD,
                EVENT_BUS,
                DOCUMENT_PREFIX,
                INSTANCE_TAG,
                CONTROL_PARAMETER_NAME,
                LEASE_TABLE_NAME,
                FAN_OUT_QUEUE_NAME,
                OrganizationTemplate.ORGANIZATION,
                CLUSTER_CONCURRENCY,
                TAGS));
    for (Setting setting : Setting.values()) {
      if (FunctionSettings.isPlain(setting)) {
        keys.add(FunctionSettings.deployKey(setting));
      }
    }
    return List.copyOf(keys);
  }

  private static Map<Integer, RetentionDays> retentionByDays() {
    Map<Integer, RetentionDays> m = new LinkedHashMap<>();
    m.put(1, RetentionDays.ONE_DAY);
    m.put(3, RetentionDays.THREE_DAYS);
    m.put(5, RetentionDays.FIVE_DAYS);
    m.put(7, RetentionDays.ONE_WEEK);
    m.put(14, RetentionDays.TWO_WEEKS);
    m.put(30, RetentionDays.ONE_MONTH);
    m.put(60, RetentionDays.TWO_MONTHS);
    m.put(90, RetentionDays.THREE_MONTHS);
    m.put(120, RetentionDays.FOUR_MONTHS);
    m.put(150, RetentionDays.FIVE_MONTHS);
    m.put(180, RetentionDays.SIX_MONTHS);
    m.put(365, RetentionDays.ONE_YEAR);
    m.put(400, RetentionDays.THIRTEEN_MONTHS);
    m.put(545, RetentionDays.EIGHTEEN_MONTHS);
    m.put(731, RetentionDays.TWO_YEARS);
    m.put(1096, RetentionDays.THREE_YEARS);
    m.put(1827, RetentionDays.FIVE_YEARS);
    m.put(2192, RetentionDays.SIX_YEARS);
    m.put(2557, RetentionDays.SEVEN_YEARS);
    m.put(2922, RetentionDays.EIGHT_YEARS);
    m.put(3288, RetentionDays.NINE_YEARS);
    m.put(3653, RetentionDays.TEN_YEARS);
    return m;
  }

  /** Reads typed values and collects every problem, so that one error lists all of them. */
  private static final class Reader {
    private final Map<String, ?> all;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, ?> all) {
      this.all = all;
    }

    void rejectUnknownKeys() {
      Set<String> known = Set.copyOf(KEYS);
      for (String key : all.keySet()) {
        if (!key.contains(":") && !key.contains("/") && !known.contains(key)) {
          problems.add(
              "context key '" + key + "' is unknown; the keys are " + String.join(", ", KEYS));
        }
      }
    }

    Optional<String> text(String key) {
      Object v = all.get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (v instanceof List<?> list) {
        return Optional.of(list.stream().map(String::valueOf).collect(Collectors.joining(",")));
      }
      String s = String.valueOf(v).strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    Optional<Integer> integer(String key) {
      return text(key)
          .flatMap(
              v -> {
                try {
                  return Optional.of(Integer.valueOf(v));
                } catch (NumberFormatException e) {
                  problem(key, "a whole number", v);
                  return Optional.empty();
                }
              });
    }

    /** A map: an object in cdk.json, or {@code key=value,key=value} on the command line. */
    Optional<Map<String, String>> map(String key) {
      Object v = all.get(key);
      if (v == null) {
        return Optional.empty();
      }
      Map<String, String> out = new LinkedHashMap<>();
      if (v instanceof Map<?, ?> m) {
        m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
        return Optional.of(out);
      }
      for (String pair : String.valueOf(v).split(",")) {
        Matcher m = INSTANCE_TAG_PATTERN.matcher(pair.strip());
        if (pair.isBlank()) {
          continue;
        }
        if (!m.matches()) {
          problem(key, "key=value pairs separated by commas, or an object in cdk.json", pair);
          return Optional.empty();
        }
        out.put(m.group(1).strip(), m.group(2).strip());
      }
      return Optional.of(out);
    }

    /** Read with the same words as the function's PAUSED setting. */
    Optional<Boolean> bool(String key) {
      return text(key)
          .flatMap(
              v -> {
                Optional<Boolean> b = Flag.parse(v);
                if (b.isEmpty()) {
                  problem(key, Flag.WORDS, v);
                }
                return b;
              });
    }

    void problem(String key, String accepted, String got) {
      problems.add("context key '" + key + "' must be " + accepted + ", got '" + got + "'");
    }

    void throwIfAny() {
      if (!problems.isEmpty()) {
        throw new InvalidContextException(problems);
      }
    }
  }

  /** Context values that cannot be used; each problem names the key and what it accepts. */
  public static final class InvalidContextException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    InvalidContextException(List<String> problems) {
      super(
          problems.size() == 1
              ? "Invalid context: " + problems.get(0)
              : "Invalid context:\n  - " + String.join("\n  - ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }
}
