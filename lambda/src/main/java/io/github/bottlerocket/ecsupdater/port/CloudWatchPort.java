package io.github.bottlerocket.ecsupdater.port;

import io.github.bottlerocket.ecsupdater.model.AlarmState;
import java.util.List;

/** The CloudWatch calls the updater makes: reading the alarms that gate a rollout. */
public interface CloudWatchPort {

  /** DescribeAlarms takes at most 100 alarm names in one call. */
  int MAX_NAMES = 100;

  /**
   * The alarms with these names, metric and composite alike; names of alarms that do not exist are
   * left out of the answer.
   *
   * @param names at most {@link #MAX_NAMES}
   */
  List<AlarmState> alarms(List<String> names);

  /** Every alarm, metric or composite, whose name starts with {@code prefix}. */
  List<AlarmState> alarmsWithPrefix(String prefix);

  /**
   * A port for a runtime without CloudWatch clients: every call fails as not allowed, so a gate
   * that needs alarms holds new starts rather than letting them through.
   */
  CloudWatchPort UNAVAILABLE =
      new CloudWatchPort() {
        @Override
        public List<AlarmState> alarms(List<String> names) {
          throw unavailable();
        }

        @Override
        public List<AlarmState> alarmsWithPrefix(String prefix) {
          throw unavailable();
        }

        private AwsFault unavailable() {
          return new AwsFault(
              AwsFault.Kind.INVALID_REQUEST,
              "cloudwatch:DescribeAlarms",
              "this runtime has no CloudWatch client",
              null);
        }
      };
}
