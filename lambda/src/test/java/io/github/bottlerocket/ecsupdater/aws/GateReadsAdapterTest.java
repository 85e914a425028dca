package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.model.AlarmState;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.ParameterValue;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.CompositeAlarm;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCalendarStateRequest;
import software.amazon.awssdk.services.ssm.model.GetCalendarStateResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

/** The exact requests of the rollout gates' reads, against mocked SDK clients. */
class GateReadsAdapterTest {
  private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

  private final CloudWatchClient cw =
      mock(CloudWatchClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final SsmClient ssm =
      mock(SsmClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));

  @Test
  void alarmsAreAskedForByNameMetricAndCompositeAHundredAPage() {
    doReturn(
            DescribeAlarmsResponse.builder()
                .metricAlarms(
                    MetricAlarm.builder()
                        .alarmName("HighErrors")
                        .stateValue("ALARM")
                        .stateTransitionedTimestamp(T)
                        .build())
                .nextToken("page-2")
                .build(),
            DescribeAlarmsResponse.builder()
                .compositeAlarms(
                    CompositeAlarm.builder()
                        .alarmName("ServiceHealth")
                        .stateValue("OK")
                        .stateUpdatedTimestamp(T.plusSeconds(60))
                        .build())
                .build())
        .when(cw)
        .describeAlarms(any(DescribeAlarmsRequest.class));

    List<AlarmState> states =
        new CloudWatchAdapter(() -> cw).alarms(List.of("HighErrors", "ServiceHealth"));

    assertThat(states)
        .containsExactly(
            new AlarmState("HighErrors", AlarmState.State.ALARM, T),
            new AlarmState("ServiceHealth", AlarmState.State.OK, T.plusSeconds(60)));
    ArgumentCaptor<DescribeAlarmsRequest> r = ArgumentCaptor.forClass(DescribeAlarmsRequest.class);
    verify(cw, times(2)).describeAlarms(r.capture());
    DescribeAlarmsRequest first = r.getAllValues().get(0);
    assertThat(first.alarmNames()).containsExactly("HighErrors", "ServiceHealth");
    assertThat(first.alarmTypes())
        .containsExactlyInAnyOrder(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM);
    assertThat(first.maxRecords()).isEqualTo(100);
    assertThat(first.nextToken()).isNull();
    assertThat(r.getAllValues().get(1).nextToken()).isEqualTo("page-2");
  }

  @Test
  void aPrefixIsAskedForAsAPrefix() {
    doReturn(DescribeAlarmsResponse.builder().build())
        .when(cw)
        .describeAlarms(any(DescribeAlarmsRequest.class));

    assertThat(new CloudWatchAdapter(() -> cw).alarmsWithPrefix("prod-")).isEmpty();

    ArgumentCaptor<DescribeAlarmsRequest> r = ArgumentCaptor.forClass(DescribeAlarmsRequest.class);
    verify(cw).describeAlarms(r.capture());
    assertThat(r.getValue().alarmNamePrefix()).isEqualTo("prod-");
    assertThat(r.getValue().hasAlarmNames()).isFalse();
  }

  @Test
  void aThrottledDescribeAlarmsIsATransientFault() {
    doThrow(
            CloudWatchException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorCode("Throttling").errorMessage("slow").build())
                .build())
        .when(cw)
        .describeAlarms(any(DescribeAlarmsRequest.class));

    assertThatThrownBy(() -> new CloudWatchAdapter(() -> cw).alarms(List.of("HighErrors")))
        .isInstanceOfSatisfying(
            AwsFault.class,
            f -> {
              assertThat(f.kind().isTransient()).isTrue();
              assertThat(f.operation()).isEqualTo("cloudwatch:DescribeAlarms");
            });
  }

  private SsmAdapter ssmAdapter() {
    return new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10));
  }

  @Test
  void calendarsAreAskedForTogetherAndTheirNextChangeIsRead() {
    doReturn(
            GetCalendarStateResponse.builder()
                .state("CLOSED")
                .nextTransitionTime("2026-03-02T12:00:00Z")
                .build())
        .when(ssm)
        .getCalendarState(any(GetCalendarStateRequest.class));

    CalendarState state = ssmAdapter().calendarState(List.of("freeze", "release-days"));

    assertThat(state)
        .isEqualTo(new CalendarState(false, Optional.of(Instant.parse("2026-03-02T12:00:00Z"))));
    ArgumentCaptor<GetCalendarStateRequest> r =
        ArgumentCaptor.forClass(GetCalendarStateRequest.class);
    verify(ssm).getCalendarState(r.capture());
    assertThat(r.getValue().calendarNames()).containsExactly("freeze", "release-days");
    assertThat(r.getValue().atTime()).isNull();
  }

  @Test
  void publicParametersAreReadInOneCallWithTheirDates() {
    String versioned = "/aws/service/bottlerocket/aws-ecs-2/x86_64/1.20.1/image_id";
    String latest = "/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_version";
    doReturn(
            GetParametersResponse.builder()
                .parameters(
                    Parameter.builder()
                        .name(latest)
                        .value("1.20.1-abc123")
                        .lastModifiedDate(T)
                        .build())
                .invalidParameters(versioned)
                .build())
        .when(ssm)
        .getParameters(any(GetParametersRequest.class));

    Map<String, ParameterValue> found = ssmAdapter().parameters(List.of(versioned, latest));

    assertThat(found).containsOnlyKeys(latest);
    assertThat(found.get(latest).value()).isEqualTo("1.20.1-abc123");
    assertThat(found.get(latest).lastModified()).isEqualTo(T);
    ArgumentCaptor<GetParametersRequest> r = ArgumentCaptor.forClass(GetParametersRequest.class);
    verify(ssm).getParameters(r.capture());
    assertThat(r.getValue().names()).containsExactly(versioned, latest);
  }
}
