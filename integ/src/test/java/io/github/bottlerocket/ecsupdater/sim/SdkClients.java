package io.github.bottlerocket.ecsupdater.sim;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Plain SDK clients of every service the endpoint serves, pointed at it, that never retry: each
 * answer is seen as it is.
 */
final class SdkClients implements AutoCloseable {
  final EcsClient ecs;
  final SsmClient ssm;
  final CloudWatchClient cloudWatch;
  final AutoScalingClient autoScaling;
  final DynamoDbClient dynamoDb;

  SdkClients(URI endpoint) {
    ecs = build(EcsClient.builder(), endpoint);
    ssm = build(SsmClient.builder(), endpoint);
    cloudWatch = build(CloudWatchClient.builder(), endpoint);
    autoScaling = build(AutoScalingClient.builder(), endpoint);
    dynamoDb = build(DynamoDbClient.builder(), endpoint);
  }

  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
      B builder, URI endpoint) {
    return builder
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDSIMULATED", "simulated")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @Override
  public void close() {
    ecs.close();
    ssm.close();
    cloudWatch.close();
    autoScaling.close();
    dynamoDb.close();
  }
}
