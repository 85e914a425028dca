package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.DeleteAttributesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeClustersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.ListServicesRequest;
import software.amazon.awssdk.services.ecs.model.ListServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.PutAttributesRequest;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.TagResourceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateRequest;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * AWS refusing the updater during a pass: access denied, which ends the pass, and throttling that
 * outlasted the SDK's retries, which makes it wait and look again. The SDK clients are mocked to
 * throw what AWS sends after the last retry, so the message in each assertion is the one the
 * operator reads, from the SDK exception through the adapters and the engine to the handler. None
 * of them drains or records anything.
 */
class AwsFaultDuringPassTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROLE =
      "arn:aws:sts::123456789012:assumed-role/updater-role/bottlerocket-ecs-updater";
  private static final String A = Scene.arn("a");

  // The SDK's paginators are default methods that call the client's own list operation.
  private final EcsClient ecs =
      mock(EcsClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final SsmClient ssm =
      mock(SsmClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final FakeCluster cluster = new FakeCluster();

  private static EcsException ecsError(String code, String message) {
    return (EcsException)
        EcsException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
            .build();
  }

  private static String denied(String action, String resource) {
    return "User: "
        + ROLE
        + " is not authorized to perform: "
        + action
        + " on resource: "
        + resource
        + " because no identity-based policy allows the "
        + action
        + " action";
  }

  /** ECS through the real adapter over the mocked client; SSM from the fake cluster. */
  private UpdaterHandler handlerOverMockedEcs() {
    return new UpdaterHandler(
        Map.of(),
        s -> new EcsAdapter(ecs),
        s -> cluster,
        s -> PassListener.NONE,
        Optional.of("us-east-1"),
        cluster.clock,
        cluster.sleeper());
  }

  /** ECS from the fake cluster; SSM through the real adapter over the mocked client. */
  private UpdaterHandler handlerOverMockedSsm() {
    return new UpdaterHandler(
        Map.of(),
        s -> cluster,
        s -> new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10)),
        s -> PassListener.NONE,
        Optional.of("us-east-1"),
        cluster.clock,
        cluster.sleeper());
  }

  private static void invoke(UpdaterHandler handler, ByteArrayOutputStream out) throws IOException {
    handler.handleRequest(
        new ByteArrayInputStream("{\"cluster\":\"prod\"}".getBytes(StandardCharsets.UTF_8)),
        out,
        null);
  }

  private void clusterWithOneBottlerocketInstance() {
    doReturn(
            DescribeClustersResponse.builder()
                .clusters(
                    Cluster.builder()
                        .clusterArn(FakeCluster.CLUSTER)
                        .clusterName("prod")
                        .status("ACTIVE")
                        .build())
                .build())
        .when(ecs)
        .describeClusters(any(DescribeClustersRequest.class));
    doReturn(ListContainerInstancesResponse.builder().containerInstanceArns(A).build())
        .when(ecs)
        .listContainerInstances(any(ListContainerInstancesRequest.class));
    doReturn(
            DescribeContainerInstancesResponse.builder()
                .containerInstances(
                    software.amazon.awssdk.services.ecs.model.ContainerInstance.builder()
                        .containerInstanceArn(A)
                        .ec2InstanceId(Scene.ec2("a"))
                        .status("ACTIVE")
                        .agentConnected(true)
                        .attributes(
                            Attribute.builder()
                                .name(ContainerInstance.VARIANT_ATTRIBUTE)
                                .value("aws-ecs-2")
                                .build())
                        .registeredResources(
                            Resource.builder().name("CPU").integerValue(2048).build(),
                            Resource.builder().name("MEMORY").integerValue(4096).build())
                        .remainingResources(
                            Resource.builder().name("CPU").integerValue(2048).build(),
                            Resource.builder().name("MEMORY").integerValue(4096).build())
                        .build())
                .build())
        .when(ecs)
        .describeContainerInstances(any(DescribeContainerInstancesRequest.class));
    doReturn(ListTasksResponse.builder().build()).when(ecs).listTasks(any(ListTasksRequest.class));
    doReturn(ListServicesResponse.builder().build())
        .when(ecs)
        .listServices(any(ListServicesRequest.class));
    // The host behind it offers an update, so that a pass that went on would change something.
    cluster.host("a").offered = Scene.NEW;
  }

  private void verifyNothingChangedInEcs() {
    verify(ecs, never()).putAttributes(any(PutAttributesRequest.class));
    verify(ecs, never()).deleteAttributes(any(DeleteAttributesRequest.class));
    verify(ecs, never())
        .updateContainerInstancesState(any(UpdateContainerInstancesStateRequest.class));
  }

  @Test
  void accessDeniedOnDescribeClustersFailsTheInvocationAndChangesNothing() throws IOException {
    clusterWithOneBottlerocketInstance();
    doThrow(ecsError("AccessDeniedException", denied("ecs:DescribeClusters", FakeCluster.CLUSTER)))
        .when(ecs)
        .describeClusters(any(DescribeClustersRequest.class));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> invoke(handlerOverMockedEcs(), out))
        .isInstanceOf(UpdaterHandler.PassFailedException.class)
        .hasMessage(
            "No pass completed: prod: ecs:DescribeClusters failed: AccessDeniedException: "
                + denied("ecs:DescribeClusters", FakeCluster.CLUSTER)
                + " (check the function's IAM role (or your credentials) allows this call on this resource)");
    assertThat(JSON.readTree(out.toByteArray()).path("reports").get(0).path("stopReason").asText())
        .isEqualTo("ERROR");
    verifyNothingChangedInEcs();
    verify(ecs, never()).tagResource(any(TagResourceRequest.class));
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void throttlingBeyondTheRetryBudgetMakesThePassWaitAndLookAgainAndChangesNothing()
      throws IOException {
    clusterWithOneBottlerocketInstance();
    doThrow(ecsError("ThrottlingException", "Rate exceeded"))
        .when(ecs)
        .listContainerInstances(any(ListContainerInstancesRequest.class));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    // Throttling is no verdict: the invocation does not fail, the pass waits and looks again
    // until its time is up, and the report counts what failed.
    invoke(handlerOverMockedEcs(), out);

    JsonNode report = JSON.readTree(out.toByteArray()).path("reports").get(0);
    assertThat(report.path("stopReason").asText()).isEqualTo("DEADLINE");
    assertThat(report.has("error")).isFalse();
    JsonNode fault = report.path("faults").get(0);
    assertThat(fault.path("operation").asText()).isEqualTo("ecs:ListContainerInstances");
    assertThat(fault.path("kind").asText()).isEqualTo("THROTTLED");
    assertThat(fault.path("count").asInt()).isGreaterThan(10);
    verifyNothingChangedInEcs();
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void accessDeniedReadingTheClusterEndsThePassWithTheReasonAndChangesNothing() throws IOException {
    clusterWithOneBottlerocketInstance();
    doThrow(
            ecsError(
                "AccessDeniedException", denied("ecs:ListContainerInstances", FakeCluster.CLUSTER)))
        .when(ecs)
        .listContainerInstances(any(ListContainerInstancesRequest.class));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> invoke(handlerOverMockedEcs(), out))
        .isInstanceOf(UpdaterHandler.PassFailedException.class)
        .hasMessageContaining("ecs:ListContainerInstances failed: AccessDeniedException");
    JsonNode report = JSON.readTree(out.toByteArray()).path("reports").get(0);
    assertThat(report.path("stopReason").asText()).isEqualTo("ERROR");
    verifyNothingChangedInEcs();
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void accessDeniedOnPutAttributesStopsTheUpdateBeforeAnyDrainAndSaysWhy() throws IOException {
    clusterWithOneBottlerocketInstance();
    doThrow(ecsError("AccessDeniedException", denied("ecs:PutAttributes", FakeCluster.CLUSTER)))
        .when(ecs)
        .putAttributes(any(PutAttributesRequest.class));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    invoke(handlerOverMockedEcs(), out);

    JsonNode report = JSON.readTree(out.toByteArray()).path("reports").get(0);
    assertThat(report.path("stopReason").asText()).isEqualTo("SETTLED");
    JsonNode line = report.path("instances").get(0);
    assertThat(line.path("detail").asText())
        .isEqualTo(
            "downloading 1.20.1; last step failed: ecs:PutAttributes failed: AccessDeniedException: "
                + denied("ecs:PutAttributes", FakeCluster.CLUSTER)
                + " (check the function's IAM role (or your credentials) allows this call on this resource)");
    assertThat(report.path("changes")).isEmpty();
    verify(ecs, never())
        .updateContainerInstancesState(any(UpdateContainerInstancesStateRequest.class));
    verify(ecs, never()).deleteAttributes(any(DeleteAttributesRequest.class));
    // The download command goes out before its phase is recorded (so a recorded phase always
    // names a command that exists); the host stages the update, and nothing else happens.
    assertThat(cluster.changes()).containsExactly("ssm:SendCommand PREPARE i-a");
  }

  @Test
  void accessDeniedOnSendCommandEndsThePassBeforeAnyCheckAndChangesNothing() throws IOException {
    cluster.host("a").offered = Scene.NEW;
    String resource = "arn:aws:ssm:us-east-1::document/AWS-RunShellScript";
    doThrow(
            SsmException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("AccessDeniedException")
                        .errorMessage(denied("ssm:SendCommand", resource))
                        .build())
                .build())
        .when(ssm)
        .sendCommand(any(SendCommandRequest.class));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> invoke(handlerOverMockedSsm(), out))
        .isInstanceOf(UpdaterHandler.PassFailedException.class)
        .hasMessage(
            "No pass completed: "
                + FakeCluster.CLUSTER
                + ": ssm:SendCommand failed: AccessDeniedException: "
                + denied("ssm:SendCommand", resource)
                + " (check the function's IAM role (or your credentials) allows this call on this resource)");
    assertThat(cluster.changes()).isEmpty();
    assertThat(cluster.tags).isEmpty();
    assertThat(cluster.host("a").attributes).isEmpty();
  }
}
