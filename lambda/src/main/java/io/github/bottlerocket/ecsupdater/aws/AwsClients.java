package io.github.bottlerocket.ecsupdater.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds the SDK clients once, lazily, with the small URL-connection HTTP client and the standard
 * retry mode with {@value #ATTEMPTS} attempts. Region, credentials and endpoints come from the
 * SDK's default chains, so {@code AWS_REGION}, {@code AWS_PROFILE} and {@code AWS_ENDPOINT_URL} (or
 * {@code AWS_ENDPOINT_URL_ECS}, ...) work as everywhere else; an explicit endpoint given here wins
 * over them.
 */
public final class AwsClients implements AutoCloseable {
  /** Connecting to an AWS endpoint takes milliseconds; longer means the network is broken. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The slowest call (a page of 100 container instances) answers well within this. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  /** One call including the SDK's retries; throttling back-off fits inside. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);

  /**
   * Attempts per call, the first included: two more than the standard mode's three, so that
   * throttling is mostly outlasted within the call (measured: docs/design.md, "Faults are not
   * verdicts").
   */
  static final int ATTEMPTS = 5;

  private final Optional<URI> endpoint;
  private final Optional<Region> region;
  private final Lazy<SdkHttpClient> http =
      new Lazy<>(
          () ->
              UrlConnectionHttpClient.builder()
                  .connectionTimeout(CONNECT_TIMEOUT)
                  .socketTimeout(READ_TIMEOUT)
                  .build());
  private final Lazy<EcsClient> ecs;
  private final Lazy<SsmClient> ssm;
  private final Lazy<EventBridgeClient> events;
  private final Lazy<AutoScalingClient> autoScaling;
  private final Lazy<DynamoDbClient> dynamoDb;
  private final Lazy<SqsClient> sqs;
  private final Lazy<CloudWatchClient> cloudWatch;

  /**
   * The retry strategy of one client: the SDK's standard mode (AWS's throttling and transient error
   * codes, exponential back-off with jitter, a retry quota) with {@value #ATTEMPTS} attempts. Each
   * client gets its own, as each would with a retry mode, so the clients do not share a quota.
   */
  public static RetryStrategy retryStrategy() {
    return AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder()
        .maxAttempts(ATTEMPTS)
        .build();
  }

  private static ClientOverrideConfiguration override() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(retryStrategy())
        .apiCallTimeout(CALL_TIMEOUT)
        .build();
  }

  /**
   * Clients with an explicit endpoint and a region given by name, for the command-line runner.
   *
   * @param endpoint an endpoint for every service
   * @param region the region's name, e.g. {@code us-east-1}; otherwise the default chain decides
   */
  public static AwsClients of(Optional<URI> endpoint, Optional<String> region) {
    return new AwsClients(endpoint, region.map(Region::of));
  }

  /** Clients configured from the environment. */
  public AwsClients() {
    this(Optional.empty(), Optional.empty());
  }

  /**
   * Clients with an explicit endpoint and region, for tests and local simulations.
   *
   * @param endpoint an endpoint for every service, e.g. {@code http://127.0.0.1:4566}
   * @param region the region; otherwise the default chain decides
   */
  public AwsClients(Optional<URI> endpoint, Optional<Region> region) {
    this(endpoint, region, Optional.empty());
  }

  /**
   * Clients with an explicit endpoint, region and credentials, for tests and local simulations that
   * must not depend on the environment.
   *
   * @param endpoint an endpoint for every service
   * @param region the region; otherwise the default chain decides
   * @param credentials the credentials; otherwise the default chain decides
   */
  public AwsClients(
      Optional<URI> endpoint,
      Optional<Region> region,
      Optional<AwsCredentialsProvider> credentials) {
    this.endpoint = endpoint;
    this.region = region;
    this.ecs =
        new Lazy<>(
            () -> {
              var b = EcsClient.builder().httpClient(http.get()).overrideConfiguration(override());
              endpoint.ifPresent(b::endpointOverride);
              region.ifPresent(b::region);
              credentials.ifPresent(b::credentialsProvider);
              return b.build();
            });
    this.ssm =
        new Lazy<>(
            () -> {
              var b = SsmClient.builder().httpClient(http.get()).overrideConfiguration(override());
              endpoint.ifPresent(b::endpointOverride);
              region.ifPresent(b::region);
              credentials.ifPresent(b::credentialsProvider);
              return b.build();
            });
    this.cloudWatch =
        new Lazy<>(
            () -> {
              var b =
                  CloudWatchClient.builder()
                      .httpClient(http.get())
                      .overrideConfiguration(override());
              endpoint.ifPresent(b::endpointOverride);
              region.ifPresent(b::region);
              credentials.ifPresent(b::credentialsProvider);
              return b.build();
            });
    this.events =
        new Lazy<>(
            () -> {
              var b =
                  EventBridgeClient.builder()
                      .httpClient(http.get())
                      .overrideConfiguration(override());
              endpoint.ifPresent(b::endpointOverride);
              region.ifPresent(b::region);
              credentials.ifPresent(b::credentialsProvider);
              return b.build();
            });
    this.autoScaling =
        new Lazy<>(
            () -> {
              var b =
                  AutoScalingClient.builder()
                      .httpClient(http.get())
                      .overrideConfiguration(override());
              endpoint.ifPresent(b::endpointOverride);
              region.ifPresent(b::region);
              credentials.ifPresent(b::credentialsProvider);
              return b.build();
            });
    this.dynamoDb =
        new Lazy<>(
            () -> {
              var b =
                  DynamoDbClient.builder().httpClient(http.get()).overrideConfiguration(override());
              endpoint.ifPresent(b::endpointOverride);
              region.ifPresent(b::region);
              credentials.ifPresent(b::credentialsProvider);
              return b.build();
            });
    this.sqs =
        new Lazy<>(
            () -> {
              var b = SqsClient.builder().httpClient(http.get()).overrideConfiguration(override());
              endpoint.ifPresent(b::endpointOverride);
              region.ifPresent(b::region);
              credentials.ifPresent(b::credentialsProvider);
              return b.build();
            });
  }

  public AutoScalingClient autoScaling() {
    return autoScaling.get();
  }

  public EcsClient ecs() {
    return ecs.get();
  }

  /** The CloudWatch client, made on first use (only the alarm gate uses it). */
  public CloudWatchClient cloudWatch() {
    return cloudWatch.get();
  }

  public SsmClient ssm() {
    return ssm.get();
  }

  public EventBridgeClient events() {
    return events.get();
  }

  /** The lease table's client, built only when a pass takes a lease. */
  public DynamoDbClient dynamoDb() {
    return dynamoDb.get();
  }

  /** The fan-out queue's client, built only when a tick fans out. */
  public SqsClient sqs() {
    return sqs.get();
  }

  /** The endpoint given explicitly, if any. */
  public Optional<URI> endpoint() {
    return endpoint;
  }

  /** The region given explicitly, if any. */
  public Optional<Region> region() {
    return region;
  }

  @Override
  public void close() {
    ecs.ifCreated(EcsClient::close);
    ssm.ifCreated(SsmClient::close);
    autoScaling.ifCreated(AutoScalingClient::close);
    events.ifCreated(EventBridgeClient::close);
    dynamoDb.ifCreated(DynamoDbClient::close);
    sqs.ifCreated(SqsClient::close);
    cloudWatch.ifCreated(CloudWatchClient::close);
    http.ifCreated(SdkHttpClient::close);
  }

  /** A value made on first use, once. */
  private static final class Lazy<T> {
    private final Supplier<T> factory;
    private T value;

    Lazy(Supplier<T> factory) {
      this.factory = factory;
    }

    synchronized T get() {
      if (value == null) {
        value = factory.get();
      }
      return value;
    }

    synchronized void ifCreated(java.util.function.Consumer<T> action) {
      if (value != null) {
        action.accept(value);
      }
    }
  }
}
