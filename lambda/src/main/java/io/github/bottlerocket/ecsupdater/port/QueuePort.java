package io.github.bottlerocket.ecsupdater.port;

import java.util.List;
import java.util.Objects;

/** The fan-out queue: an SQS FIFO queue that takes one message per cluster a tick names. */
public interface QueuePort {
  /** SQS takes at most 10 entries in one SendMessageBatch. */
  int MAX_BATCH = 10;

  /**
   * The URL of the queue named {@code name} in this account and region.
   *
   * @throws AwsFault when there is no such queue, or it may not be read
   */
  String url(String name);

  /**
   * Sends {@code messages}, in batches of at most {@link #MAX_BATCH}.
   *
   * @param queueUrl the queue
   * @param messages the messages, each with an id unique among them
   * @return the ids of the messages SQS did not take, with its reason for each
   * @throws AwsFault when a batch call failed as a whole (no queue, access denied, ...)
   */
  List<Failed> send(String queueUrl, List<Message> messages);

  /**
   * One message.
   *
   * @param id unique among the messages of one call (letters, digits, '-' and '_', at most 80)
   * @param groupId the FIFO message group: messages of one group are handled one at a time, in
   *     order
   * @param deduplicationId SQS drops a second message with this id within five minutes
   * @param body the message body
   */
  record Message(String id, String groupId, String deduplicationId, String body) {
    public Message {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(deduplicationId, "deduplicationId");
      Objects.requireNonNull(body, "body");
    }
  }

  /** A message SQS did not take, and why. */
  record Failed(String id, String why) {}
}
