package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.Setting;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.EventBus;

/**
 * Every function setting reaches the function's environment through the construct's props and
 * through the app's deploy keys. A setting added to {@link Setting} fails here until it has a prop
 * (a builder method named {@link FunctionSettings#prop(Setting)}), a deploy key, and a value below.
 */
class EverySettingTest {
  private static final String BATCH_PARAMETER = "/ops/batch/updater-control";

  /** A value other than the default for each setting, as the operator writes it. */
  private static final Map<Setting, String> VALUES = values();

  private static Map<Setting, String> values() {
    Map<Setting, String> v = new EnumMap<>(Setting.class);
    v.put(Setting.MAX_CONCURRENT, "3");
    v.put(Setting.FAILURE_BUDGET, "2");
    v.put(Setting.CHECK_INTERVAL, "90m");
    v.put(Setting.CHECK_TIMEOUT, "3m");
    v.put(Setting.CHECK_RETRY_INTERVAL, "5m");
    v.put(Setting.POLL_INTERVAL, "500ms");
    v.put(Setting.COMMAND_POLL_INTERVAL, "1s");
    v.put(Setting.STAGE_TIMEOUT, "25m");
    v.put(Setting.DRAIN_TIMEOUT, "1h");
    v.put(Setting.ACTIVATE_TIMEOUT, "3m");
    v.put(Setting.REBOOT_TIMEOUT, "25m");
    v.put(Setting.REBOOT_GRACE, "45s");
    v.put(Setting.VERIFY_TIMEOUT, "15m");
    v.put(Setting.RETRY_BACKOFF, "1h");
    v.put(Setting.RETRY_BACKOFF_MAX, "36h");
    v.put(Setting.DEADLINE_MARGIN, "45s");
    v.put(Setting.MAX_PASS_DURATION, "10m");
    v.put(Setting.MAINTENANCE_WINDOW, "Sat,Sun 02:00-06:00");
    v.put(Setting.MAINTENANCE_TIMEZONE, "Europe/Berlin");
    v.put(Setting.PAUSED, "true");
    v.put(Setting.CONTROL_INTERVAL, "1m");
    v.put(Setting.SSM_DOCUMENT_PREFIX, "Batch-");
    v.put(Setting.COMMAND_DELIVERY_TIMEOUT, "20m");
    v.put(Setting.EVENT_BUS, "ops-events");
    v.put(Setting.METRICS_NAMESPACE, "Updates/Batch");
    v.put(Setting.TASK_PROTECTION, "ignore");
    v.put(Setting.SCALE_IN_SHIELD, "false");
    v.put(Setting.ALLOWED_CLUSTERS, Fixtures.OTHER_CLUSTER);
    v.put(Setting.CONTROL_PARAMETER, BATCH_PARAMETER);
    v.put(Setting.LEASE_TABLE, "batch-updater-leases");
    v.put(Setting.LEASE_DURATION, "9m");
    v.put(Setting.FAN_OUT_QUEUE, "batch-updater-fan-out.fifo");
    v.put(Setting.MIN_RELEASE_AGE, "72h");
    v.put(Setting.EXPEDITE_VERSIONS, "1.20.3,1.21.1");
    v.put(Setting.PROMOTE_FROM, "staging");
    v.put(Setting.PROMOTE_MIN_HOSTS, "2");
    v.put(Setting.PROMOTE_SOAK, "12h");
    v.put(Setting.MAX_VERSION, "1.20.5");
    v.put(Setting.ALARM_NAMES, "HighErrors,LatencyP99");
    v.put(Setting.ALARM_PREFIX, "prod-");
    v.put(Setting.ALARM_INSUFFICIENT_DATA, "ok");
    v.put(Setting.BAKE_TIME, "10m");
    v.put(Setting.CANARY_HOSTS, "1");
    v.put(Setting.CANARY_BAKE_TIME, "1h");
    v.put(Setting.CHANGE_CALENDARS, "freeze,release-days");
    return v;
  }

  @Test
  void everySettingHasAValueHere() {
    assertThat(VALUES.keySet()).containsExactlyInAnyOrder(Setting.values());
    VALUES.forEach((s, v) -> assertThat(v).as(s.key()).isNotEqualTo(s.defaultValue()));
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everySettingHasABuilderMethod(Setting setting) {
    assertThat(builderMethod(setting)).as(FunctionSettings.prop(setting)).isPresent();
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everySettingHasADeployKey(Setting setting) {
    assertThat(DeployContext.KEYS).contains(FunctionSettings.deployKey(setting));
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everySettingReachesTheFunctionThroughItsProp(Setting setting) throws Exception {
    Stack stack = Fixtures.stack();
    BottlerocketEcsUpdaterProps.Builder builder = Fixtures.props();
    String value = VALUES.get(setting);
    switch (setting) {
      case EVENT_BUS -> builder.eventBus(EventBus.fromEventBusName(stack, "Bus", value));
      case ALLOWED_CLUSTERS -> builder.clusterArns(List.of(value));
      // It counts the hosts of PROMOTE_FROM, so it only goes with that.
      case PROMOTE_MIN_HOSTS -> builder.promoteFrom("staging").promoteMinHosts(2);
      default -> {
        Method method = builderMethod(setting).orElseThrow();
        method.invoke(builder, typed(method.getParameterTypes()[0], value));
      }
    }
    new BottlerocketEcsUpdater(stack, "Updater", builder.build());

    assertThat(environment(Template.fromStack(stack)).get(setting.key()))
        .contains(expected(setting));
  }

  @ParameterizedTest
  @EnumSource(Setting.class)
  void everySettingReachesTheFunctionThroughItsDeployKey(Setting setting) {
    Map<String, Object> keys = new java.util.HashMap<>();
    keys.put(DeployContext.CLUSTER_ARN, CLUSTER);
    keys.put(FunctionSettings.deployKey(setting), VALUES.get(setting));
    if (setting == Setting.PROMOTE_MIN_HOSTS) {
      keys.put(FunctionSettings.deployKey(Setting.PROMOTE_FROM), "staging");
    }
    Map<String, Object> context = Fixtures.withCdkJson(keys);
    App app = App.Builder.create().context(context).build();
    BottlerocketEcsUpdaterStack stack =
        BottlerocketEcsUpdaterApp.define(
            app, Optional.of(Fixtures.stubCode()), DeployContext.from(context));

    assertThat(environment(Template.fromStack(stack)).get(setting.key()))
        .contains(expected(setting));
  }

  private static String expected(Setting setting) {
    return VALUES.get(setting);
  }

  private static Optional<Method> builderMethod(Setting setting) {
    return Arrays.stream(BottlerocketEcsUpdaterProps.Builder.class.getMethods())
        .filter(m -> m.getName().equals(FunctionSettings.prop(setting)))
        .filter(m -> m.getParameterCount() == 1)
        .findFirst();
  }

  private static Object typed(Class<?> type, String value) {
    if (type == List.class) {
      return List.of(value.split(","));
    }
    if (type == int.class) {
      return Integer.parseInt(value);
    }
    if (type == boolean.class) {
      return Boolean.parseBoolean(value);
    }
    if (type == Duration.class) {
      return Duration.millis(Durations.parse(value).toMillis());
    }
    return value;
  }

  /** The function's environment, with references written as text so that a value can be found. */
  @SuppressWarnings("unchecked")
  static Map<String, String> environment(Template template) {
    Map<String, Object> function = Fixtures.onlyProperties(template, "AWS::Lambda::Function");
    Map<String, Object> variables =
        (Map<String, Object>) ((Map<String, Object>) function.get("Environment")).get("Variables");
    Map<String, String> out = new java.util.TreeMap<>();
    variables.forEach((k, v) -> out.put(k, String.valueOf(Fixtures.flatten(v))));
    return out;
  }
}
