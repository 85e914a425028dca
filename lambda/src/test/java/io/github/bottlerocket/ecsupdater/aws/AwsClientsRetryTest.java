package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.services.ecs.model.EcsException;

/**
 * The retry budget the clients get: the strategy decides (and computes its delays) without
 * sleeping, so the budget is tested on the strategy itself.
 */
class AwsClientsRetryTest {

  private static Throwable throttled() {
    return EcsException.builder()
        .statusCode(400)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode("ThrottlingException")
                .errorMessage("Rate exceeded")
                .build())
        .build();
  }

  @Test
  void aThrottledCallIsTriedFiveTimesInAllAndNotASixth() {
    RetryStrategy strategy = AwsClients.retryStrategy();
    RetryToken token =
        strategy.acquireInitialToken(AcquireInitialTokenRequest.create("ecs")).token();
    for (int attempt = 2; attempt <= 5; attempt++) {
      token =
          strategy
              .refreshRetryToken(
                  RefreshRetryTokenRequest.builder().token(token).failure(throttled()).build())
              .token();
    }
    RetryToken last = token;

    assertThatThrownBy(
            () ->
                strategy.refreshRetryToken(
                    RefreshRetryTokenRequest.builder().token(last).failure(throttled()).build()))
        .isInstanceOf(TokenAcquisitionFailedException.class);
  }

  @Test
  void eachClientHasARetryStrategyOfItsOwnWithFiveAttempts() {
    try (AwsClients clients =
        new AwsClients(
            Optional.of(URI.create("http://127.0.0.1:9")),
            Optional.of(Region.US_EAST_1),
            Optional.of(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))))) {
      RetryStrategy ecs =
          clients.ecs().serviceClientConfiguration().overrideConfiguration().retryStrategy().get();
      RetryStrategy ssm =
          clients.ssm().serviceClientConfiguration().overrideConfiguration().retryStrategy().get();

      assertThat(ecs.maxAttempts()).isEqualTo(5);
      assertThat(ssm.maxAttempts()).isEqualTo(5);
      assertThat(ecs).as("a retry quota per client").isNotSameAs(ssm);
    }
  }
}
