package io.github.bottlerocket.ecsupdater.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.bottlerocket.ecsupdater.app.FanOut;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.aws.SqsFanOut;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.QueuePort;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The fan-out adapter ({@link SqsFanOut}) against moto_server's SQS: a tick of twelve clusters goes
 * out in two batches, one message per cluster with the cluster as its message group, and a tick
 * sent again within the deduplication interval adds nothing.
 */
@ExtendWith(MotoSuiteTest.WhenMotoServerIsInstalled.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MotoFanOutTest {
  private static final String QUEUE = "updater-FanOut.fifo";
  private static final Instant NOW = Instant.parse("2025-06-02T09:00:30Z");

  private MotoServer moto;
  private SqsClient sqs;
  private QueuePort queue;

  @BeforeAll
  void startMoto() throws IOException {
    moto = MotoServer.startForTests("fan-out");
    sqs =
        SqsClient.builder()
            .endpointOverride(moto.endpoint())
            .region(EmulatorScenarios.REGION)
            .credentialsProvider(EmulatorScenarios.CREDENTIALS)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
            .build();
    queue = new SqsFanOut(sqs);
  }

  @AfterAll
  void stopMoto() {
    if (sqs != null) {
      sqs.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void freshQueue() {
    moto.reset();
    sqs.createQueue(
        r ->
            r.queueName(QUEUE)
                .attributes(
                    Map.of(
                        QueueAttributeName.FIFO_QUEUE, "true",
                        QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false")));
  }

  private static Invocation tick(int clusters) {
    List<String> arns = new ArrayList<>();
    for (int i = 0; i < clusters; i++) {
      arns.add("arn:aws:ecs:us-east-1:123456789012:cluster/c" + i);
    }
    return new Invocation(
        Invocation.Source.SCHEDULE,
        arns,
        new PassOptions(false, false, false, OptionalInt.empty()),
        Optional.empty());
  }

  private List<Message> receiveAll(String url) {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> some =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .visibilityTimeout(60)
                          .messageSystemAttributeNamesWithStrings("MessageGroupId"))
              .messages();
      if (some.isEmpty()) {
        return all;
      }
      all.addAll(some);
    }
  }

  @Test
  void aTickOfTwelveClustersSendsOneMessagePerClusterGroupedByTheCluster() {
    String url = queue.url(QUEUE);

    List<QueuePort.Failed> failed = queue.send(url, FanOut.messages(tick(12), NOW));
    List<Message> received = receiveAll(url);

    assertThat(failed).isEmpty();
    assertThat(received).hasSize(12);
    assertThat(received)
        .extracting(m -> m.attributesAsStrings().get("MessageGroupId"))
        .containsExactlyInAnyOrderElementsOf(tick(12).clusters());
    assertThat(received)
        .extracting(Message::body)
        .contains("{\"cluster\":\"arn:aws:ecs:us-east-1:123456789012:cluster/c11\"}");
  }

  @Test
  void aTickSentAgainWithinTheDeduplicationIntervalAddsNoMessage() {
    String url = queue.url(QUEUE);

    queue.send(url, FanOut.messages(tick(3), NOW));
    queue.send(url, FanOut.messages(tick(3), NOW.plusSeconds(90)));

    assertThat(receiveAll(url)).hasSize(3);
  }

  @Test
  void aQueueThatDoesNotExistIsANotFoundFault() {
    AwsFault fault = catchThrowableOfType(AwsFault.class, () -> queue.url("gone.fifo"));

    assertThat(fault.operation()).isEqualTo("sqs:GetQueueUrl");
    assertThat(fault.kind()).isEqualTo(AwsFault.Kind.NOT_FOUND);
  }
}
