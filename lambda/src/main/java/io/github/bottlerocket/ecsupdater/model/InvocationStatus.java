package io.github.bottlerocket.ecsupdater.model;

import java.util.Locale;

/** The status of one host's SSM command invocation. */
public enum InvocationStatus {
  PENDING,
  IN_PROGRESS,
  DELAYED,
  CANCELLING,
  SUCCESS,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  UNDELIVERABLE,
  TERMINATED;

  /** Whether the invocation has ended and its output is final. */
  public boolean isTerminal() {
    return switch (this) {
      case PENDING, IN_PROGRESS, DELAYED, CANCELLING -> false;
      case SUCCESS, FAILED, TIMED_OUT, CANCELLED, UNDELIVERABLE, TERMINATED -> true;
    };
  }

  /**
   * Maps SSM's wire value ({@code InProgress}, {@code TimedOut}, ...). SSM has used both the
   * invocation status and the more detailed status strings; an unknown value is read as still
   * running so that it is polled again rather than acted on.
   */
  public static InvocationStatus fromWire(String value) {
    if (value == null) {
      return PENDING;
    }
    String normalized = value.replace(" ", "").replace("_", "").toUpperCase(Locale.ROOT);
    return switch (normalized) {
      case "PENDING" -> PENDING;
      case "INPROGRESS" -> IN_PROGRESS;
      case "DELAYED" -> DELAYED;
      case "CANCELLING" -> CANCELLING;
      case "SUCCESS" -> SUCCESS;
      case "FAILED" -> FAILED;
      case "TIMEDOUT", "EXECUTIONTIMEDOUT", "DELIVERYTIMEDOUT" -> TIMED_OUT;
      case "CANCELLED" -> CANCELLED;
      case "UNDELIVERABLE", "INVALIDPLATFORM", "ACCESSDENIED" -> UNDELIVERABLE;
      case "TERMINATED" -> TERMINATED;
      default -> PENDING;
    };
  }
}
