package io.github.bottlerocket.ecsupdater.sim;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * A Lambda {@link Context} whose remaining time runs on the simulation's clock. A kill switch makes
 * the remaining time zero at once, as when an invocation is about to be cut off.
 */
public final class SimulatedLambdaContext implements Context {
  private final Clock clock;
  private final Instant deadline;
  private final BooleanSupplier killed;

  /**
   * @param clock the simulation's clock
   * @param timeout the function's timeout, counted from now
   * @param killed when true, no time is left
   */
  public SimulatedLambdaContext(Clock clock, Duration timeout, BooleanSupplier killed) {
    this.clock = clock;
    this.deadline = clock.instant().plus(timeout);
    this.killed = killed;
  }

  public SimulatedLambdaContext(Clock clock, Duration timeout) {
    this(clock, timeout, () -> false);
  }

  @Override
  public int getRemainingTimeInMillis() {
    if (killed.getAsBoolean()) {
      return 0;
    }
    long ms = Duration.between(clock.instant(), deadline).toMillis();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, ms));
  }

  @Override
  public String getAwsRequestId() {
    return "simulated-request";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/bottlerocket-ecs-updater";
  }

  @Override
  public String getLogStreamName() {
    return "simulated";
  }

  @Override
  public String getFunctionName() {
    return "bottlerocket-ecs-updater";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:"
        + SimulatedCluster.REGION
        + ":"
        + SimulatedCluster.ACCOUNT
        + ":function:bottlerocket-ecs-updater";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        System.err.print(message);
      }

      @Override
      public void log(byte[] message) {
        System.err.print(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
