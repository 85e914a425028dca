package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.telemetry.EmfMetrics;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The three alarms: failed updates and an open circuit breaker (on the function's metrics without
 * dimensions, so one alarm covers every managed cluster) and failed invocations. Missing data is
 * not breaching: no pass, no news.
 */
record UpdaterAlarms(Alarm updatesFailed, Alarm circuitBreaker, Alarm functionErrors) {
  private static final java.time.Duration LONGEST_PERIOD = java.time.Duration.ofHours(12);
  private static final java.time.Duration CRON_PERIOD = java.time.Duration.ofHours(1);

  static UpdaterAlarms create(
      Construct scope,
      String namespace,
      Schedule schedule,
      IFunction function,
      Optional<ITopic> topic) {
    Duration period = Duration.seconds(period(schedule).toSeconds());
    UpdaterAlarms alarms =
        new UpdaterAlarms(
            alarm(
                scope,
                "UpdatesFailedAlarm",
                metric(namespace, EmfMetrics.UPDATES_FAILED, "Sum", period),
                1,
                "An instance update failed (rolled back, did not come back, or came back on the"
                    + " wrong version). The instance carries the attribute "
                    + StateAttributes.FAILURE
                    + "; see the function's log group for the step and cause."),
            // Two periods, one breaching: a missed tick does not clear it.
            alarm(
                scope,
                "CircuitBreakerAlarm",
                metric(namespace, EmfMetrics.CIRCUIT_BREAKER_OPEN, "Maximum", period),
                2,
                "A cluster spent its failure budget: no new update starts there until the failed"
                    + " instances are dealt with and their "
                    + StateAttributes.FAILURE
                    + " attribute is removed."),
            alarm(
                scope,
                "FunctionErrorsAlarm",
                function.metricErrors(
                    MetricOptions.builder().statistic("Sum").period(period).build()),
                1,
                "The updater function failed: a configuration error, or no pass of an invocation"
                    + " completed. The function's log group says which."));
    topic.ifPresent(t -> alarms.all().forEach(a -> a.addAlarmAction(new SnsAction(t))));
    return alarms;
  }

  List<Alarm> all() {
    return List.of(updatesFailed, circuitBreaker, functionErrors);
  }

  /**
   * One schedule interval per alarm period, so that a period normally holds a pass: the interval of
   * a rate, an hour for a cron schedule, never more than 12 hours.
   */
  static java.time.Duration period(Schedule schedule) {
    java.time.Duration period =
        ScheduleExpressions.rate(schedule.getExpressionString()).orElse(CRON_PERIOD);
    return period.compareTo(LONGEST_PERIOD) > 0 ? LONGEST_PERIOD : period;
  }

  private static IMetric metric(String namespace, String name, String statistic, Duration period) {
    return Metric.Builder.create()
        .namespace(namespace)
        .metricName(name)
        .statistic(statistic)
        .period(period)
        .build();
  }

  private static Alarm alarm(
      Construct scope, String id, IMetric metric, int evaluationPeriods, String description) {
    return Alarm.Builder.create(scope, id)
        .metric(metric)
        .threshold(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .evaluationPeriods(evaluationPeriods)
        .datapointsToAlarm(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .alarmDescription(description)
        .build();
  }
}
