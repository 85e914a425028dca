package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.QueuePort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** The exact requests the fan-out queue gets. */
class SqsFanOutTest {
  private static final String URL = "https://sqs.us-east-1.amazonaws.com/123456789012/u.fifo";

  private final SqsClient client =
      mock(SqsClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final SqsFanOut queue = new SqsFanOut(client);

  private static List<QueuePort.Message> messages(int n) {
    List<QueuePort.Message> m = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      m.add(new QueuePort.Message("cluster-" + i, "group-" + i, "dedup-" + i, "{\"n\":" + i + "}"));
    }
    return m;
  }

  @Test
  void messagesGoInBatchesOfTenWithTheirGroupAndDeduplicationIds() {
    doReturn(SendMessageBatchResponse.builder().build())
        .when(client)
        .sendMessageBatch(any(SendMessageBatchRequest.class));

    assertThat(queue.send(URL, messages(12))).isEmpty();

    ArgumentCaptor<SendMessageBatchRequest> r =
        ArgumentCaptor.forClass(SendMessageBatchRequest.class);
    verify(client, times(2)).sendMessageBatch(r.capture());
    assertThat(r.getAllValues()).extracting(SendMessageBatchRequest::queueUrl).containsOnly(URL);
    assertThat(r.getAllValues().get(0).entries()).hasSize(10);
    assertThat(r.getAllValues().get(1).entries())
        .containsExactly(
            SendMessageBatchRequestEntry.builder()
                .id("cluster-10")
                .messageGroupId("group-10")
                .messageDeduplicationId("dedup-10")
                .messageBody("{\"n\":10}")
                .build(),
            SendMessageBatchRequestEntry.builder()
                .id("cluster-11")
                .messageGroupId("group-11")
                .messageDeduplicationId("dedup-11")
                .messageBody("{\"n\":11}")
                .build());
  }

  @Test
  void entriesSqsRefusedAreReturnedWithTheirReason() {
    doReturn(
            SendMessageBatchResponse.builder()
                .failed(
                    BatchResultErrorEntry.builder()
                        .id("cluster-1")
                        .code("InternalError")
                        .message("try again")
                        .senderFault(false)
                        .build())
                .build())
        .when(client)
        .sendMessageBatch(any(SendMessageBatchRequest.class));

    assertThat(queue.send(URL, messages(2)))
        .containsExactly(new QueuePort.Failed("cluster-1", "InternalError: try again"));
  }

  @Test
  void theUrlIsLookedUpByName() {
    doReturn(GetQueueUrlResponse.builder().queueUrl(URL).build())
        .when(client)
        .getQueueUrl(any(GetQueueUrlRequest.class));

    assertThat(queue.url("u.fifo")).isEqualTo(URL);

    ArgumentCaptor<GetQueueUrlRequest> r = ArgumentCaptor.forClass(GetQueueUrlRequest.class);
    verify(client).getQueueUrl(r.capture());
    assertThat(r.getValue().queueName()).isEqualTo("u.fifo");
  }

  @Test
  void aQueueThatDoesNotExistIsANotFoundFaultNamingTheCall() {
    doThrow(
            QueueDoesNotExistException.builder()
                .message("The specified queue does not exist.")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("AWS.SimpleQueueService.NonExistentQueue")
                        .build())
                .statusCode(400)
                .build())
        .when(client)
        .getQueueUrl(any(GetQueueUrlRequest.class));

    AwsFault f = catchThrowableOfType(AwsFault.class, () -> queue.url("gone.fifo"));

    assertThat(f.operation()).isEqualTo("sqs:GetQueueUrl");
    assertThat(f.kind()).isEqualTo(AwsFault.Kind.NOT_FOUND);
  }
}
