package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.port.QueuePort;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** The fan-out queue in SQS: SendMessageBatch, ten entries at a time. */
public final class SqsFanOut implements QueuePort {
  private final SqsClient sqs;

  public SqsFanOut(SqsClient sqs) {
    this.sqs = sqs;
  }

  @Override
  public String url(String name) {
    try {
      return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
    } catch (SdkException e) {
      throw AwsErrors.map("sqs:GetQueueUrl", e);
    }
  }

  @Override
  public List<Failed> send(String queueUrl, List<Message> messages) {
    List<Failed> failed = new ArrayList<>();
    for (int from = 0; from < messages.size(); from += MAX_BATCH) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (Message m : messages.subList(from, Math.min(messages.size(), from + MAX_BATCH))) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(m.id())
                .messageGroupId(m.groupId())
                .messageDeduplicationId(m.deduplicationId())
                .messageBody(m.body())
                .build());
      }
      SendMessageBatchResponse r;
      try {
        r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      } catch (SdkException e) {
        throw AwsErrors.map("sqs:SendMessageBatch", e);
      }
      for (BatchResultErrorEntry e : r.failed()) {
        failed.add(new Failed(e.id(), e.code() + ": " + e.message()));
      }
    }
    return failed;
  }
}
