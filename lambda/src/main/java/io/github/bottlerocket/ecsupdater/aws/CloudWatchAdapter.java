package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.model.AlarmState;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.CompositeAlarm;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * {@link CloudWatchPort} over the AWS SDK: DescribeAlarms for metric and composite alarms alike
 * (CloudWatch returns composite alarms only when asked for them), a hundred to a page. The client
 * is made on the first call, so a function without an alarm gate never builds one.
 */
public final class CloudWatchAdapter implements CloudWatchPort {
  static final int PAGE_SIZE = 100;

  private final Supplier<CloudWatchClient> client;

  public CloudWatchAdapter(Supplier<CloudWatchClient> client) {
    this.client = client;
  }

  @Override
  public List<AlarmState> alarms(List<String> names) {
    if (names.isEmpty() || names.size() > MAX_NAMES) {
      throw new IllegalArgumentException(
          "between 1 and " + MAX_NAMES + " alarm names, got " + names.size());
    }
    return describe(DescribeAlarmsRequest.builder().alarmNames(names));
  }

  @Override
  public List<AlarmState> alarmsWithPrefix(String prefix) {
    return describe(DescribeAlarmsRequest.builder().alarmNamePrefix(prefix));
  }

  private List<AlarmState> describe(DescribeAlarmsRequest.Builder request) {
    List<AlarmState> out = new ArrayList<>();
    String token = null;
    try {
      CloudWatchClient cw = client.get();
      do {
        DescribeAlarmsResponse page =
            cw.describeAlarms(
                request
                    .alarmTypes(AlarmType.COMPOSITE_ALARM, AlarmType.METRIC_ALARM)
                    .maxRecords(PAGE_SIZE)
                    .nextToken(token)
                    .build());
        for (MetricAlarm a : page.metricAlarms()) {
          out.add(
              new AlarmState(
                  a.alarmName(),
                  AlarmState.State.fromWire(a.stateValueAsString()),
                  since(a.stateTransitionedTimestamp(), a.stateUpdatedTimestamp())));
        }
        for (CompositeAlarm a : page.compositeAlarms()) {
          out.add(
              new AlarmState(
                  a.alarmName(),
                  AlarmState.State.fromWire(a.stateValueAsString()),
                  since(a.stateTransitionedTimestamp(), a.stateUpdatedTimestamp())));
        }
        token = page.nextToken();
      } while (token != null && !token.isEmpty());
    } catch (SdkException e) {
      throw AwsErrors.map("cloudwatch:DescribeAlarms", e);
    }
    return out;
  }

  private static Instant since(Instant transitioned, Instant updated) {
    if (transitioned != null) {
      return transitioned;
    }
    return updated != null ? updated : Instant.EPOCH;
  }
}
