package io.github.bottlerocket.ecsupdater.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The fan-out of a schedule tick: an SQS FIFO queue that takes one message per cluster, read by the
 * function one message at a time, so that each cluster's pass runs in an invocation of its own and
 * clusters run in parallel, at most {@code clusterConcurrency} at once.
 *
 * <ul>
 *   <li>FIFO, message group = the cluster: SQS hands out one cluster's messages one at a time and
 *       in order, so the queue itself never starts two passes over one cluster (the lease still
 *       guards against every other entry point).
 *   <li>Batch size 1: a pass gets the whole invocation. Partial batch responses: a pass that
 *       stopped on a fault is delivered again; after {@link #MAX_RECEIVES} deliveries it moves to
 *       the dead-letter queue, where it stays for 14 days for people to read.
 *   <li>Visibility timeout one minute above the function's timeout, so that a message is never
 *       delivered again while its pass may still run. Short, so that a crashed pass holds its
 *       cluster's group no longer than that.
 *   <li>The event source mapping's maximum concurrency (2 to 1,000) caps how many clusters run at
 *       once without reserving concurrency.
 *   <li>SQS-managed encryption and TLS only.
 * </ul>
 */
final class FanOutQueue {
  /** Deliveries of one message before it moves to the dead-letter queue. */
  static final int MAX_RECEIVES = 3;

  final Queue queue;
  final Queue deadLetters;
  private final Construct scope;

  private FanOutQueue(Construct scope, Queue queue, Queue deadLetters) {
    this.scope = scope;
    this.queue = queue;
    this.deadLetters = deadLetters;
  }

  /** Creates the queue and its dead-letter queue. */
  static FanOutQueue create(Construct scope, String name) {
    Queue deadLetters =
        Queue.Builder.create(scope, "FanOutDeadLetters")
            .fifo(true)
            .retentionPeriod(Duration.days(14))
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .build();
    NagSuppressions.addResourceSuppressions(
        deadLetters,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This is the dead-letter queue of the fan-out queue.")
                .build()));
    Queue queue =
        Queue.Builder.create(scope, "FanOutQueue")
            .queueName(name)
            .fifo(true)
            .contentBasedDeduplication(false)
            .visibilityTimeout(
                Duration.seconds(BottlerocketEcsUpdater.FUNCTION_TIMEOUT.toSeconds() + 60))
            .retentionPeriod(Duration.days(1))
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .deadLetterQueue(
                DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVES).build())
            .build();
    return new FanOutQueue(scope, queue, deadLetters);
  }

  /** Has {@code function} read the queue, one message per invocation. */
  EventSourceMapping deliverTo(IFunction function, int clusterConcurrency) {
    // Built directly rather than through SqsEventSource, which would grant the role its consume
    // permissions on its own; UpdaterPermissions grants them with the rest.
    return EventSourceMapping.Builder.create(scope, "FanOutMapping")
        .target(function)
        .eventSourceArn(queue.getQueueArn())
        .batchSize(1)
        .maxConcurrency(clusterConcurrency)
        .reportBatchItemFailures(true)
        .build();
  }
}
