package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.EcsAdapter;
import io.github.bottlerocket.ecsupdater.aws.EventBridgeAdapter;
import io.github.bottlerocket.ecsupdater.aws.SsmAdapter;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import io.github.bottlerocket.ecsupdater.telemetry.EmfMetrics;
import io.github.bottlerocket.ecsupdater.telemetry.EventPublisher;
import io.github.bottlerocket.ecsupdater.telemetry.JsonLog;
import io.github.bottlerocket.ecsupdater.telemetry.Telemetry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.internal.DefaultAdaptiveRetryStrategy;
import software.amazon.awssdk.retries.internal.ratelimiter.RateLimiterTokenBucketStore;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The updater's handler with real SDK clients whose retries wait in the simulation's time instead
 * of real time. Each client gets the retry strategy the SDK builds for a retry mode (attempts,
 * back-off with jitter, the retry quota, AWS's throttling codes), wrapped so that every delay the
 * strategy asks for advances the {@link VirtualClock} and the SDK itself sleeps for nothing. For
 * the adaptive mode, its client-side rate limiter also reads and waits on the virtual clock.
 *
 * <p>So a throttled call that the SDK retries takes, in simulated time, what it would take against
 * AWS: a one-minute throttle window can be outlasted by the SDK's own back-off, and a test with a
 * fifth of its calls throttled runs in seconds. (The {@code apiCallTimeout} of the updater's
 * clients, 90 s of real time, is not modelled: no retry configuration measured here waits that long
 * in one call.)
 */
final class VirtualTimeSdk implements AutoCloseable {

  /** The retry configurations that can be measured, and the updater's own. */
  enum Retries {
    /** What the updater's clients get: {@link AwsClients#retryStrategy()}. */
    UPDATER("the updater's (AwsClients)", RetryMode.STANDARD, 0),
    /** The SDK's default: {@code RetryMode.STANDARD}, 3 attempts. */
    STANDARD("standard, 3 attempts", RetryMode.STANDARD, 3),
    /** {@code RetryMode.ADAPTIVE_V2}: standard plus a client-side rate limiter, 3 attempts. */
    ADAPTIVE_V2("adaptive (ADAPTIVE_V2), 3 attempts", RetryMode.ADAPTIVE_V2, 3),
    /** Standard with a larger budget: 5 attempts (what the updater's clients have). */
    STANDARD_5("standard, 5 attempts", RetryMode.STANDARD, 5),
    /** Standard with a larger budget still: 8 attempts (throttling back-off up to 71 s). */
    STANDARD_8("standard, 8 attempts", RetryMode.STANDARD, 8);

    final String label;
    final RetryMode mode;
    final int attempts;

    Retries(String label, RetryMode mode, int attempts) {
      this.label = label;
      this.mode = mode;
      this.attempts = attempts;
    }
  }

  private final VirtualClock clock;
  private final Retries retries;
  private final SdkHttpClient http =
      UrlConnectionHttpClient.builder()
          .connectionTimeout(Duration.ofSeconds(5))
          .socketTimeout(Duration.ofSeconds(30))
          .build();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final AtomicLong retriesTaken = new AtomicLong();
  private final AtomicLong backoffNanos = new AtomicLong();
  private final AtomicLong rateLimitNanos = new AtomicLong();

  VirtualTimeSdk(VirtualClock clock, Retries retries) {
    this.clock = clock;
    this.retries = retries;
  }

  /**
   * A handler, as in one execution environment, over clients of this SDK.
   *
   * @param sim the simulation whose endpoint, settings, clock and sleeper it uses
   * @param log where its log lines go
   */
  UpdaterHandler handler(Simulation sim, PrintStream log) {
    EcsClient ecs = build(EcsClient.builder(), sim);
    SsmClient ssm = build(SsmClient.builder(), sim);
    EventBridgeClient events = build(EventBridgeClient.builder(), sim);
    return new UpdaterHandler(
        sim.env(),
        settings -> new EcsAdapter(ecs),
        settings ->
            new SsmAdapter(ssm, settings.ssmDocumentPrefix(), settings.commandDeliveryTimeout()),
        settings -> {
          List<io.github.bottlerocket.ecsupdater.engine.PassListener> all = new ArrayList<>();
          all.add(new JsonLog(log, sim.clock()));
          all.add(new EmfMetrics(log, sim.clock(), settings.metricsNamespace()));
          settings
              .eventBus()
              .ifPresent(
                  bus ->
                      all.add(new EventPublisher(new EventBridgeAdapter(() -> events, bus), log)));
          return new Telemetry(all);
        },
        Optional.of(Region.US_EAST_1.id()),
        sim.clock(),
        sim.sleeper());
  }

  /** Retries the SDK took (attempts after a call's first), over every client of this SDK. */
  long retriesTaken() {
    return retriesTaken.get();
  }

  /** Simulated time spent in the SDK's back-off between attempts. */
  Duration backoff() {
    return Duration.ofNanos(backoffNanos.get());
  }

  /** Simulated time spent waiting for the adaptive mode's client-side rate limiter. */
  Duration rateLimitWait() {
    return Duration.ofNanos(rateLimitNanos.get());
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends AutoCloseable>
      C build(B builder, Simulation sim) {
    C client =
        builder
            .httpClient(http)
            .endpointOverride(sim.endpoint().uri())
            .region(Region.US_EAST_1)
            .overrideConfiguration(o -> o.retryStrategy(new InVirtualTime(strategy())))
            .build();
    closeables.add(client);
    return client;
  }

  /** The strategy the SDK builds for the mode, with its own retry quota, as each client has. */
  private RetryStrategy strategy() {
    if (retries == Retries.UPDATER) {
      return AwsClients.retryStrategy();
    }
    RetryStrategy base = AwsRetryStrategy.forRetryMode(retries.mode);
    if (retries.mode == RetryMode.ADAPTIVE_V2) {
      VirtualScheduler scheduler = new VirtualScheduler();
      closeables.add(scheduler::shutdownNow);
      // The rate limiter measures the sending rate and waits for tokens; both on the virtual clock.
      base =
          ((DefaultAdaptiveRetryStrategy.Builder) base.toBuilder())
              .rateLimiterTokenBucketStore(
                  RateLimiterTokenBucketStore.builder()
                      .clock(() -> seconds(clock))
                      .scheduler(scheduler)
                      .build())
              .build();
    }
    return retries.attempts == base.maxAttempts()
        ? base
        : base.toBuilder().maxAttempts(retries.attempts).build();
  }

  private static double seconds(VirtualClock clock) {
    Duration sinceStart = Duration.between(Simulation.START, clock.instant());
    return sinceStart.toNanos() / 1e9;
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing a client of a finished scenario; nothing depends on it.
      }
    }
    http.close();
  }

  /**
   * A strategy that decides as {@code delegate} does, but spends each delay it asks for on the
   * virtual clock and lets the SDK go on at once.
   */
  private final class InVirtualTime implements RetryStrategy {
    private final RetryStrategy delegate;

    InVirtualTime(RetryStrategy delegate) {
      this.delegate = delegate;
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
      AcquireInitialTokenResponse r = delegate.acquireInitialToken(request);
      spend(r.delay(), backoffNanos);
      return AcquireInitialTokenResponse.create(r.token(), Duration.ZERO);
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
      RefreshRetryTokenResponse r = delegate.refreshRetryToken(request);
      retriesTaken.incrementAndGet();
      spend(r.delay(), backoffNanos);
      return RefreshRetryTokenResponse.create(r.token(), Duration.ZERO);
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
      return delegate.recordSuccess(request);
    }

    @Override
    public int maxAttempts() {
      return delegate.maxAttempts();
    }

    /** The delegate already carries the SDK's and AWS's defaults. */
    @Override
    public boolean useClientDefaults() {
      return false;
    }

    @Override
    public Builder<?, ?> toBuilder() {
      throw new UnsupportedOperationException(
          "a strategy in virtual time is built whole; configure the delegate instead");
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private void spend(Duration d, AtomicLong total) {
    if (d.isPositive()) {
      clock.advance(d);
      total.addAndGet(d.toNanos());
    }
  }

  /**
   * The adaptive rate limiter's scheduler: a wait it schedules passes on the virtual clock, and the
   * task then runs at once.
   */
  private final class VirtualScheduler extends ScheduledThreadPoolExecutor {
    VirtualScheduler() {
      super(
          1,
          r -> {
            Thread t = new Thread(r, "sdk-rate-limiter-in-virtual-time");
            t.setDaemon(true);
            return t;
          });
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      spend(Duration.ofNanos(unit.toNanos(delay)), rateLimitNanos);
      return super.schedule(command, 0, TimeUnit.NANOSECONDS);
    }
  }
}
