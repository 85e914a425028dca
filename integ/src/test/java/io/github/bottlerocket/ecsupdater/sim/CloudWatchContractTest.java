package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/** DescribeAlarms over Smithy RPC v2 CBOR, as the SDK's CloudWatch client speaks it. */
class CloudWatchContractTest {
  private Simulation sim;
  private SdkClients aws;
  private CloudWatchClient cw;

  @BeforeEach
  void start() {
    sim = Simulation.start(Clusters.small(), Faults.none(45), Map.of());
    aws = new SdkClients(sim.endpoint().uri());
    cw = aws.cloudWatch;
    Alarms alarms = sim.cluster().alarms();
    alarms.set("HighErrors", Alarms.State.OK);
    alarms.set("HighLatency", Alarms.State.OK);
    alarms.metricAlarm("QueueDepth");
    alarms.compositeAlarm("ServiceHealth");
    alarms.set("ServiceHealth", Alarms.State.OK);
  }

  @AfterEach
  void stop() {
    aws.close();
    sim.close();
  }

  @Test
  void anAlarmShowsTheStateAScenarioGaveItAndWhenItDid() {
    sim.advance(Duration.ofMinutes(5));
    sim.cluster().alarms().set("HighErrors", Alarms.State.ALARM);

    MetricAlarm a = cw.describeAlarms(r -> r.alarmNames("HighErrors")).metricAlarms().get(0);

    assertThat(a.stateValue()).isEqualTo(StateValue.ALARM);
    assertThat(a.stateUpdatedTimestamp()).isEqualTo(Simulation.START.plus(Duration.ofMinutes(5)));
    assertThat(a.alarmArn())
        .isEqualTo("arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighErrors");
  }

  @Test
  void aNewAlarmHasInsufficientData() {
    assertThat(
            cw.describeAlarms(r -> r.alarmNames("QueueDepth")).metricAlarms().get(0).stateValue())
        .isEqualTo(StateValue.INSUFFICIENT_DATA);
  }

  @Test
  void compositeAlarmsComeOnlyWhenAskedFor() {
    DescribeAlarmsResponse plain = cw.describeAlarms(r -> r.alarmNamePrefix("Service"));
    DescribeAlarmsResponse both =
        cw.describeAlarms(
            r ->
                r.alarmNamePrefix("Service")
                    .alarmTypes(AlarmType.COMPOSITE_ALARM, AlarmType.METRIC_ALARM));

    assertThat(plain.metricAlarms()).isEmpty();
    assertThat(plain.compositeAlarms()).isEmpty();
    assertThat(both.compositeAlarms())
        .singleElement()
        .satisfies(a -> assertThat(a.alarmName()).isEqualTo("ServiceHealth"));
  }

  @Test
  void filtersByPrefixAndStateAndPages() {
    sim.cluster().alarms().set("HighLatency", Alarms.State.ALARM);

    List<String> high =
        cw
            .describeAlarmsPaginator(r -> r.alarmNamePrefix("High").maxRecords(1))
            .metricAlarms()
            .stream()
            .map(MetricAlarm::alarmName)
            .toList();
    List<String> inAlarm =
        cw.describeAlarms(r -> r.stateValue(StateValue.ALARM)).metricAlarms().stream()
            .map(MetricAlarm::alarmName)
            .toList();

    assertThat(high).containsExactly("HighErrors", "HighLatency");
    assertThat(inAlarm).containsExactly("HighLatency");
  }

  @Test
  void unknownNamesAreLeftOut() {
    assertThat(cw.describeAlarms(r -> r.alarmNames("HighErrors", "Nope")).metricAlarms())
        .hasSize(1);
  }

  @Test
  void refusesWhatAwsRefuses() {
    List<String> many = IntStream.range(0, 101).mapToObj(i -> "a" + i).toList();

    assertThat(code(() -> cw.describeAlarms(r -> r.alarmNames(many)))).isEqualTo("ValidationError");
    assertThat(code(() -> cw.describeAlarms(r -> r.alarmNames("a").alarmNamePrefix("b"))))
        .isEqualTo("InvalidParameterCombination");
    assertThat(code(() -> cw.describeAlarms(r -> r.nextToken("bm9wZTox"))))
        .isEqualTo("InvalidNextToken");
    assertThat(code(() -> cw.describeAlarms(r -> r.maxRecords(101)))).isEqualTo("ValidationError");
  }

  @Test
  void throttlingIsClassifiedAsThrottling() {
    try (Simulation throttled =
            Simulation.start(Clusters.small(), Faults.none(46).withThrottling(1.0), Map.of());
        SdkClients c = new SdkClients(throttled.endpoint().uri())) {
      AwsServiceException e =
          catchThrowableOfType(AwsServiceException.class, () -> c.cloudWatch.describeAlarms());

      assertThat(e.isThrottlingException()).isTrue();
    }
  }

  private static String code(Runnable call) {
    AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    return e.awsErrorDetails().errorCode();
  }
}
