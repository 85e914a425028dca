package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.port.AwsFault;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK exceptions into {@link AwsFault}s that say what failed and what to do. */
final class AwsErrors {
  private static final Set<String> ACCESS_DENIED =
      Set.of(
          "AccessDeniedException",
          "AccessDenied",
          "UnauthorizedOperation",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "ExpiredTokenException",
          "InvalidSignatureException");
  private static final Set<String> NOT_FOUND =
      Set.of(
          "ClusterNotFoundException",
          "TargetNotFoundException",
          "ResourceNotFoundException",
          "InvalidInstanceId",
          "InvalidDocument",
          // SQS's code for an unknown queue, in its JSON and its query-compatible form.
          "QueueDoesNotExist",
          "AWS.SimpleQueueService.NonExistentQueue");

  private AwsErrors() {}

  static AwsFault map(String operation, SdkException e) {
    if (e instanceof AwsServiceException service) {
      // A 5xx from a proxy (an HTML page) carries no error code at all.
      String code =
          service.awsErrorDetails() == null || service.awsErrorDetails().errorCode() == null
              ? ""
              : service.awsErrorDetails().errorCode();
      String message =
          (code.isEmpty() ? "HTTP " + service.statusCode() : code)
              + ": "
              + firstLine(
                  service.awsErrorDetails() == null
                      ? service.getMessage()
                      : service.awsErrorDetails().errorMessage());
      AwsFault.Kind kind;
      if (service.isThrottlingException()) {
        kind = AwsFault.Kind.THROTTLED;
      } else if (ACCESS_DENIED.contains(code) || service.statusCode() == 403) {
        kind = AwsFault.Kind.ACCESS_DENIED;
      } else if ("AttributeLimitExceededException".equals(code)) {
        kind = AwsFault.Kind.ATTRIBUTE_LIMIT;
      } else if (NOT_FOUND.contains(code)) {
        kind = AwsFault.Kind.NOT_FOUND;
      } else if (service.statusCode() >= 500) {
        kind = AwsFault.Kind.UNAVAILABLE;
      } else {
        kind = AwsFault.Kind.INVALID_REQUEST;
      }
      return new AwsFault(kind, operation, message, e);
    }
    if (e instanceof SdkClientException) {
      return new AwsFault(AwsFault.Kind.UNAVAILABLE, operation, firstLine(e.getMessage()), e);
    }
    return new AwsFault(AwsFault.Kind.INVALID_REQUEST, operation, firstLine(e.getMessage()), e);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "(no message)";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
