package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;

/**
 * Which prop and which deploy key set each function {@link Setting}, and the function's environment
 * written from them.
 *
 * <p>Every switch here is exhaustive: a setting added to {@link Setting} does not compile in this
 * module until it is placed. A <em>plain</em> setting is a prop named after it in lower camel case
 * ({@code STAGE_TIMEOUT} is {@code stageTimeout(Duration)}) and the deploy key of the same name;
 * adding one takes a builder method in {@link BottlerocketEcsUpdaterProps} and a row in the
 * construct page's props table. A <em>derived</em> setting is written from other props or from
 * resources the construct creates. {@code EverySettingTest} proves both ways for every setting.
 */
final class FunctionSettings {
  private FunctionSettings() {}

  /** The resources and resolved props the derived settings come from. */
  record Derived(
      String documentPrefix,
      String eventBus,
      String allowedClusters,
      String controlParameter,
      String leaseTable,
      String fanOutQueue) {}

  /** Whether the setting is a prop of its own, named {@link #prop(Setting)}. */
  static boolean isPlain(Setting setting) {
    return switch (setting) {
      case MAX_CONCURRENT,
          FAILURE_BUDGET,
          CHECK_INTERVAL,
          CHECK_TIMEOUT,
          CHECK_RETRY_INTERVAL,
          POLL_INTERVAL,
          COMMAND_POLL_INTERVAL,
          STAGE_TIMEOUT,
          DRAIN_TIMEOUT,
          ACTIVATE_TIMEOUT,
          REBOOT_TIMEOUT,
          REBOOT_GRACE,
          VERIFY_TIMEOUT,
          RETRY_BACKOFF,
          RETRY_BACKOFF_MAX,
          DEADLINE_MARGIN,
          MAX_PASS_DURATION,
          MAINTENANCE_WINDOW,
          MAINTENANCE_TIMEZONE,
          PAUSED,
          CONTROL_INTERVAL,
          COMMAND_DELIVERY_TIMEOUT,
          METRICS_NAMESPACE,
          TASK_PROTECTION,
          SCALE_IN_SHIELD,
          LEASE_DURATION,
          MIN_RELEASE_AGE,
          EXPEDITE_VERSIONS,
          PROMOTE_FROM,
          PROMOTE_MIN_HOSTS,
          PROMOTE_SOAK,
          MAX_VERSION,
          ALARM_NAMES,
          ALARM_PREFIX,
          ALARM_INSUFFICIENT_DATA,
          BAKE_TIME,
          CANARY_HOSTS,
          CANARY_BAKE_TIME,
          CHANGE_CALENDARS ->
          true;
      case SSM_DOCUMENT_PREFIX,
          EVENT_BUS,
          ALLOWED_CLUSTERS,
          CONTROL_PARAMETER,
          LEASE_TABLE,
          FAN_OUT_QUEUE ->
          false;
    };
  }

  /** The builder method that sets the setting, also the name in validation messages. */
  static String prop(Setting setting) {
    return switch (setting) {
      case SSM_DOCUMENT_PREFIX -> "documentPrefix";
      case EVENT_BUS -> "eventBus";
      case ALLOWED_CLUSTERS -> "clusterArns";
      case CONTROL_PARAMETER -> "controlParameterName";
      case LEASE_TABLE -> "leaseTableName";
      case FAN_OUT_QUEUE -> "fanOutQueueName";
      default -> camelCase(setting);
    };
  }

  /** The {@code cdk -c} key that sets the setting. */
  static String deployKey(Setting setting) {
    return switch (setting) {
      case ALLOWED_CLUSTERS -> DeployContext.CLUSTER_ARN;
      default -> prop(setting);
    };
  }

  /** Every setting's value, written out even when it is the default. */
  static Map<String, String> environment(BottlerocketEcsUpdaterProps props, Derived derived) {
    Map<String, String> env = new TreeMap<>();
    for (Setting s : Setting.values()) {
      env.put(s.key(), value(s, props, derived));
    }
    return env;
  }

  private static String value(Setting s, BottlerocketEcsUpdaterProps props, Derived derived) {
    return switch (s) {
      case SSM_DOCUMENT_PREFIX -> derived.documentPrefix();
      case EVENT_BUS -> derived.eventBus();
      case ALLOWED_CLUSTERS -> derived.allowedClusters();
      case CONTROL_PARAMETER -> derived.controlParameter();
      case LEASE_TABLE -> derived.leaseTable();
      case FAN_OUT_QUEUE -> derived.fanOutQueue();
      // Written as "always" rather than left empty, which the function reads the same way, so
      // that the function's configuration says what it does.
      case MAINTENANCE_WINDOW ->
          props.getSetting(s).isBlank() ? "always" : props.getSetting(s).strip();
      // The names given as text and those of the alarms given as constructs.
      case ALARM_NAMES -> {
        List<String> names = new ArrayList<>();
        if (!props.getSetting(s).isBlank()) {
          names.add(props.getSetting(s).strip());
        }
        props.getAlarms().forEach(a -> names.add(a.getAlarmName()));
        yield String.join(",", names);
      }
      default -> props.getSetting(s);
    };
  }

  private static String camelCase(Setting setting) {
    String[] words = setting.name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder sb = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      sb.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return sb.toString();
  }

  /** A duration in the function's syntax, in the largest unit that keeps it whole. */
  static String duration(Duration duration) {
    long millis = duration.toMilliseconds().longValue();
    if (millis > 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis > 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis > 0 && millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }
}
