package io.github.bottlerocket.ecsupdater.port;

/**
 * An AWS call failed after the SDK's retries. The message names the operation, what AWS said and
 * what the operator can do.
 */
public class AwsFault extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Classes of AWS failures that call for different advice. */
  public enum Kind {
    ACCESS_DENIED(
        "check the function's IAM role (or your credentials) allows this call on this resource"),
    THROTTLED("AWS throttled the call beyond the SDK's retries; the pass waits and looks again"),
    NOT_FOUND("the resource does not exist (any more)"),
    ATTRIBUTE_LIMIT(
        "the container instance has the ECS maximum of 10 custom attributes; delete one so the updater can record its progress"),
    INVALID_REQUEST("AWS rejected the request"),
    UNAVAILABLE("the service did not answer; the pass waits and looks again");

    private final String advice;

    Kind(String advice) {
      this.advice = advice;
    }

    public String advice() {
      return advice;
    }

    /**
     * Whether trying again later may succeed: throttling, a 5xx, a connection reset or a call that
     * timed out. Such a fault makes a pass wait and look again; any other ends it.
     */
    public boolean isTransient() {
      return switch (this) {
        case THROTTLED, UNAVAILABLE -> true;
        case ACCESS_DENIED, NOT_FOUND, ATTRIBUTE_LIMIT, INVALID_REQUEST -> false;
      };
    }
  }

  private final Kind kind;
  private final String operation;

  public AwsFault(Kind kind, String operation, String message, Throwable cause) {
    super(operation + " failed: " + message + " (" + kind.advice() + ")", cause);
    this.kind = kind;
    this.operation = operation;
  }

  public Kind kind() {
    return kind;
  }

  /** The AWS operation, e.g. {@code ecs:PutAttributes}. */
  public String operation() {
    return operation;
  }
}
