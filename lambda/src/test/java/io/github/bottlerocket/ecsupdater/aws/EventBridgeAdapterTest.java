package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.port.EventPort;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

class EventBridgeAdapterTest {
  private final EventBridgeClient client =
      mock(EventBridgeClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));

  @Test
  void sendsTenEntriesPerCallToTheConfiguredBusWithTheUpdatersSource() {
    doReturn(PutEventsResponse.builder().failedEntryCount(1).build())
        .when(client)
        .putEvents(any(PutEventsRequest.class));
    List<EventPort.UpdaterEvent> events =
        IntStream.range(0, 12)
            .mapToObj(
                i ->
                    new EventPort.UpdaterEvent(
                        "Bottlerocket Update Phase Changed",
                        List.of("arn:ci/" + i),
                        "{\"n\":" + i + "}"))
            .toList();

    int refused = new EventBridgeAdapter(() -> client, "ops-bus").publish(events);

    ArgumentCaptor<PutEventsRequest> r = ArgumentCaptor.forClass(PutEventsRequest.class);
    verify(client, times(2)).putEvents(r.capture());
    assertThat(r.getAllValues()).extracting(x -> x.entries().size()).containsExactly(10, 2);
    var first = r.getAllValues().get(0).entries().get(0);
    assertThat(first.eventBusName()).isEqualTo("ops-bus");
    assertThat(first.source()).isEqualTo("bottlerocket-ecs-updater");
    assertThat(first.detailType()).isEqualTo("Bottlerocket Update Phase Changed");
    assertThat(first.resources()).containsExactly("arn:ci/0");
    assertThat(first.detail()).isEqualTo("{\"n\":0}");
    assertThat(refused).isEqualTo(2);
  }
}
