package io.github.bottlerocket.ecsupdater.handler;

import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.EventBridgeAdapter;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.telemetry.EmfMetrics;
import io.github.bottlerocket.ecsupdater.telemetry.EventPublisher;
import io.github.bottlerocket.ecsupdater.telemetry.JsonLog;
import io.github.bottlerocket.ecsupdater.telemetry.Telemetry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** What the Lambda function tells the world about its passes. */
public final class LambdaTelemetry {
  private LambdaTelemetry() {}

  /**
   * JSON log lines, embedded-format metrics on the same stream, and EventBridge events unless
   * EVENT_BUS is {@code none}.
   */
  public static PassListener of(
      Settings settings, AwsClients clients, Clock clock, PrintStream out) {
    List<PassListener> all = new ArrayList<>();
    all.add(new JsonLog(out, clock));
    all.add(new EmfMetrics(out, clock, settings.metricsNamespace()));
    settings
        .eventBus()
        .ifPresent(
            bus -> all.add(new EventPublisher(new EventBridgeAdapter(clients::events, bus), out)));
    return new Telemetry(all);
  }
}
