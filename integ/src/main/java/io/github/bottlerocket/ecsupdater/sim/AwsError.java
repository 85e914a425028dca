package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer of the simulated endpoint: an HTTP status, the service's error code and message,
 * and any further fields the error shape carries (DynamoDB's {@code Item} on a failed condition).
 * {@link Wire} writes it in the protocol of the service that answers.
 */
final class AwsError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int httpStatus;
  final String code;
  final transient ObjectNode extra = JsonNodeFactory.instance.objectNode();

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
