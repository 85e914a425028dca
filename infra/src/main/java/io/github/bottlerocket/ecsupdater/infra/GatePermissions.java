package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.BakeRecord;
import io.github.bottlerocket.ecsupdater.engine.FirstSeen;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The rollout gates' permissions, each added only when its gate is configured: CloudWatch alarms
 * (ALARM_NAMES, ALARM_PREFIX), SSM Change Calendars (CHANGE_CALENDARS), Bottlerocket's public
 * parameters (MIN_RELEASE_AGE) and the cluster versions are promoted from (PROMOTE_FROM). The
 * cluster tags the gates write are added to {@link UpdaterPermissions}' tag statement.
 */
final class GatePermissions {
  private final Stack stack;
  private final GateSettings gates;
  private final List<IAlarm> alarmConstructs;

  /**
   * @param environment the function's settings as they will be written; those not known at synth
   *     (tokens) count as not set
   * @param alarms the alarms given as constructs, whose names may be known only at deployment
   */
  GatePermissions(Stack stack, Map<String, String> environment, List<IAlarm> alarms) {
    this.stack = stack;
    this.gates = gates(environment);
    this.alarmConstructs = List.copyOf(alarms);
  }

  private static GateSettings gates(Map<String, String> environment) {
    Map<String, String> known = new java.util.TreeMap<>();
    environment.forEach(
        (k, v) -> {
          if (!Token.isUnresolved(v)) {
            known.put(k, v);
          }
        });
    return Settings.fromEnvironment(known).gates();
  }

  /** Whether the role reads Bottlerocket's public parameters (a wildcard resource). */
  boolean readsReleases() {
    return gates.soaks();
  }

  /** Whether the role reads alarms by a name prefix (a wildcard resource). */
  boolean readsAlarmPrefix() {
    return gates.alarmPrefix().isPresent();
  }

  /** The cluster tags the gates write, besides the last-check and versions tags. */
  List<String> tagKeys() {
    List<String> keys = new ArrayList<>();
    if (gates.soaks()) {
      keys.add(FirstSeen.TAG);
    }
    if (gates.bakes()) {
      keys.add(BakeRecord.TAG);
    }
    return keys;
  }

  List<PolicyStatement> statements() {
    List<PolicyStatement> out = new ArrayList<>();
    List<String> alarms = new ArrayList<>();
    // DescribeAlarms takes alarm ARNs as resources: the names given, the prefix as a wildcard
    // after it, and the alarms given as constructs (their names may be tokens).
    gates.alarmNames().forEach(n -> alarms.add(alarmArn(n)));
    gates.alarmPrefix().ifPresent(p -> alarms.add(alarmArn(p + "*")));
    alarmConstructs.forEach(a -> alarms.add(a.getAlarmArn()));
    if (!alarms.isEmpty()) {
      out.add(
          allow(
              "ReadRolloutAlarms",
              List.of("cloudwatch:DescribeAlarms"),
              alarms.stream().distinct().toList()));
    }
    if (gates.followsCalendars()) {
      out.add(
          allow(
              "ReadChangeCalendars",
              List.of("ssm:GetCalendarState"),
              gates.changeCalendars().stream()
                  .map(c -> c.startsWith("arn:") ? c : arn("ssm", "document", "", c, true))
                  .toList()));
    }
    if (gates.soaks()) {
      // Public parameters have no account in their ARN.
      out.add(
          allow(
              "ReadBottlerocketReleases",
              List.of("ssm:GetParameters"),
              List.of(arn("ssm", "parameter", "aws/service/bottlerocket/*", null, false))));
    }
    if (gates.promotes()) {
      String from = gates.promoteFrom().get();
      out.add(
          allow(
              "ReadPromotionSource",
              List.of("ecs:DescribeClusters"),
              List.of(from.startsWith("arn:") ? from : arn("ecs", "cluster", "", from, true))));
    }
    return out;
  }

  private String alarmArn(String name) {
    return stack.formatArn(
        ArnComponents.builder()
            .service("cloudwatch")
            .resource("alarm")
            .resourceName(name)
            .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
            .build());
  }

  /**
   * An ARN in the stack's partition and region; {@code name} after {@code resource/}, or, for a
   * public parameter, {@code path} with no account.
   */
  private String arn(String service, String resource, String path, String name, boolean account) {
    ArnComponents.Builder b =
        ArnComponents.builder()
            .service(service)
            .resource(resource)
            .resourceName(name != null ? name : path)
            .arnFormat(ArnFormat.SLASH_RESOURCE_NAME);
    if (!account) {
      b.account("");
    }
    return stack.formatArn(b.build());
  }

  private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.ALLOW)
        .actions(actions)
        .resources(resources)
        .build();
  }
}
