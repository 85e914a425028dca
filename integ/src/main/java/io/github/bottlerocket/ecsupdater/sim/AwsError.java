package io.github.bottlerocket.ecsupdater.sim;

/**
 * An error answer of the simulated endpoint, as AWS JSON 1.1 services give it: an HTTP status and a
 * body {@code {"__type": code, "message": message}}.
 */
final class AwsError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int httpStatus;
  final String code;

  AwsError(int httpStatus, String code, String message) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
  }

  static AwsError invalidParameter(String message) {
    return new AwsError(400, "InvalidParameterException", message);
  }

  static AwsError clusterNotFound() {
    return new AwsError(400, "ClusterNotFoundException", "Cluster not found.");
  }

  static AwsError validation(String message) {
    return new AwsError(400, "ValidationException", message);
  }
}
