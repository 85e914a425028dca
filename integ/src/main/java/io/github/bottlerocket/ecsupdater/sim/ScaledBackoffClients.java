package io.github.bottlerocket.ecsupdater.sim;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * ECS and SSM clients like the updater's own ({@code AwsClients}: URL-connection HTTP client, the
 * standard retry strategy with its attempts, token bucket and throttling classification) but with
 * back-off delays scaled from seconds down to milliseconds. The SDK sleeps for real between
 * retries, which a virtual clock cannot shorten; with 20% of calls throttled, the real delays would
 * make one scenario take minutes.
 */
final class ScaledBackoffClients implements AutoCloseable {
  private final SdkHttpClient http = UrlConnectionHttpClient.create();
  private final EcsClient ecs;
  private final SsmClient ssm;

  ScaledBackoffClients(URI endpoint) {
    RetryStrategy retry =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .backoffStrategy(
                BackoffStrategy.exponentialDelay(Duration.ofMillis(1), Duration.ofMillis(20)))
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelay(Duration.ofMillis(5), Duration.ofMillis(100)))
            .build();
    ClientOverrideConfiguration override =
        ClientOverrideConfiguration.builder().retryStrategy(retry).build();
    this.ecs =
        EcsClient.builder()
            .httpClient(http)
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .overrideConfiguration(override)
            .build();
    this.ssm =
        SsmClient.builder()
            .httpClient(http)
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .overrideConfiguration(override)
            .build();
  }

  EcsClient ecs() {
    return ecs;
  }

  SsmClient ssm() {
    return ssm;
  }

  @Override
  public void close() {
    ecs.close();
    ssm.close();
    http.close();
  }
}
