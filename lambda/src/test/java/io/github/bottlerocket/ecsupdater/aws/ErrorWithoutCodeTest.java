package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateRequest;

/**
 * An error answer that carries no AWS error code: an HTTP 5xx with an HTML page, as a proxy in
 * front of the endpoint sends, or moto_server when it fails inside (seen with
 * UpdateContainerInstancesState on a cluster without container instances). The SDK then gives an
 * exception whose error details have no code.
 */
class ErrorWithoutCodeTest {

  @Test
  void aServerErrorWithoutACodeIsAnUnavailableFaultThatNamesTheOperation() {
    EcsClient ecs = mock(EcsClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
    EcsException noCode =
        (EcsException)
            EcsException.builder()
                .statusCode(500)
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorMessage("500 Internal Server Error").build())
                .build();
    doThrow(noCode)
        .when(ecs)
        .updateContainerInstancesState(any(UpdateContainerInstancesStateRequest.class));

    assertThatThrownBy(
            () ->
                new EcsAdapter(ecs)
                    .updateInstancesState(
                        FakeCluster.CLUSTER, List.of(Scene.arn("a")), InstanceStatus.DRAINING))
        .isInstanceOfSatisfying(
            AwsFault.class,
            f -> {
              assertThat(f.kind()).isEqualTo(AwsFault.Kind.UNAVAILABLE);
              assertThat(f.getMessage())
                  .startsWith("ecs:UpdateContainerInstancesState failed: HTTP 500: ");
            });
  }
}
