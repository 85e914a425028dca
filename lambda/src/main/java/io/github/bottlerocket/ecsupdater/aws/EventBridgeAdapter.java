package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.port.EventPort;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** {@link EventPort} over EventBridge PutEvents, ten entries per call. */
public final class EventBridgeAdapter implements EventPort {
  /** The source of every event the updater sends. */
  public static final String SOURCE = "bottlerocket-ecs-updater";

  private final Supplier<EventBridgeClient> events;
  private final String bus;

  /**
   * @param events the client, made on the first event (a pass without events never builds it)
   * @param bus the event bus name or ARN
   */
  public EventBridgeAdapter(Supplier<EventBridgeClient> events, String bus) {
    this.events = events;
    this.bus = bus;
  }

  @Override
  public int publish(List<UpdaterEvent> list) {
    int refused = 0;
    for (List<UpdaterEvent> batch : EcsAdapter.batches(list, MAX_ENTRIES)) {
      List<PutEventsRequestEntry> entries =
          batch.stream()
              .map(
                  e ->
                      PutEventsRequestEntry.builder()
                          .eventBusName(bus)
                          .source(SOURCE)
                          .detailType(e.detailType())
                          .resources(e.resources())
                          .detail(e.detailJson())
                          .build())
              .toList();
      try {
        Integer failed = events.get().putEvents(r -> r.entries(entries)).failedEntryCount();
        refused += failed == null ? 0 : failed;
      } catch (SdkException e) {
        throw AwsErrors.map("events:PutEvents", e);
      }
    }
    return refused;
  }
}
