package io.github.bottlerocket.ecsupdater.port;

import java.util.List;

/** Sends the updater's own events (EventBridge PutEvents). */
public interface EventPort {

  /** EventBridge accepts at most 10 entries in one PutEvents call. */
  int MAX_ENTRIES = 10;

  /**
   * Sends events.
   *
   * @return how many entries EventBridge refused
   * @throws AwsFault if the call itself failed
   */
  int publish(List<UpdaterEvent> events);

  /**
   * One event.
   *
   * @param detailType the EventBridge detail-type
   * @param resources ARNs the event is about
   * @param detailJson the detail object as JSON
   */
  record UpdaterEvent(String detailType, List<String> resources, String detailJson) {
    public UpdaterEvent {
      resources = List.copyOf(resources);
    }
  }
}
