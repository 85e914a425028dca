package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingInstancesRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingInstancesResponse;
import software.amazon.awssdk.services.autoscaling.model.SetInstanceProtectionRequest;
import software.amazon.awssdk.services.autoscaling.model.SetInstanceProtectionResponse;

/** The exact Auto Scaling requests the adapter sends, against a mocked SDK client. */
class AutoScalingAdapterTest {
  // The paginators and consumer-builder overloads are default methods of the client.
  private final AutoScalingClient asg =
      mock(AutoScalingClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final AutoScalingAdapter adapter = new AutoScalingAdapter(asg);

  private static String id(int i) {
    return String.format("i-%017x", i);
  }

  private static AutoScalingInstanceDetails member(String id, boolean protectedFromScaleIn) {
    return AutoScalingInstanceDetails.builder()
        .instanceId(id)
        .autoScalingGroupName("asg-a")
        .lifecycleState("InService")
        .protectedFromScaleIn(protectedFromScaleIn)
        .build();
  }

  @Test
  void describesFiftyInstancesAtATimeAndPages() {
    doAnswer(
            inv -> {
              DescribeAutoScalingInstancesRequest r = inv.getArgument(0);
              // Answer the first of each batch on a page of its own, the rest on a second page.
              if (r.nextToken() == null) {
                return DescribeAutoScalingInstancesResponse.builder()
                    .autoScalingInstances(member(r.instanceIds().get(0), true))
                    .nextToken("page-2")
                    .build();
              }
              return DescribeAutoScalingInstancesResponse.builder()
                  .autoScalingInstances(
                      r.instanceIds().subList(1, r.instanceIds().size()).stream()
                          .map(i -> member(i, false))
                          .toList())
                  .build();
            })
        .when(asg)
        .describeAutoScalingInstances(any(DescribeAutoScalingInstancesRequest.class));
    List<String> ids = IntStream.range(0, 60).mapToObj(AutoScalingAdapterTest::id).toList();

    List<AutoScalingInstance> found = adapter.describeInstances(ids);

    ArgumentCaptor<DescribeAutoScalingInstancesRequest> requests =
        ArgumentCaptor.forClass(DescribeAutoScalingInstancesRequest.class);
    verify(asg, times(4)).describeAutoScalingInstances(requests.capture());
    assertThat(requests.getAllValues())
        .extracting(r -> r.instanceIds().size())
        .containsExactly(50, 50, 10, 10);
    assertThat(requests.getAllValues()).allSatisfy(r -> assertThat(r.maxRecords()).isEqualTo(50));
    assertThat(found).hasSize(60);
    assertThat(found.get(0)).isEqualTo(new AutoScalingInstance(id(0), "asg-a", "InService", true));
    assertThat(found.get(1).protectedFromScaleIn()).isFalse();
  }

  @Test
  void anInstanceOfNoGroupIsLeftOutAsAwsLeavesItOut() {
    doReturn(
            DescribeAutoScalingInstancesResponse.builder()
                .autoScalingInstances(member(id(1), false), member(id(9), false))
                .build())
        .when(asg)
        .describeAutoScalingInstances(any(DescribeAutoScalingInstancesRequest.class));

    assertThat(adapter.describeInstances(List.of(id(1), id(2))))
        .extracting(AutoScalingInstance::instanceId)
        .containsExactly(id(1));
  }

  @Test
  void setsTheProtectionOfOneGroupsInstances() {
    doReturn(SetInstanceProtectionResponse.builder().build())
        .when(asg)
        .setInstanceProtection(any(SetInstanceProtectionRequest.class));

    adapter.setProtection("asg-a", List.of(id(1)), true);

    ArgumentCaptor<SetInstanceProtectionRequest> request =
        ArgumentCaptor.forClass(SetInstanceProtectionRequest.class);
    verify(asg).setInstanceProtection(request.capture());
    assertThat(request.getValue().autoScalingGroupName()).isEqualTo("asg-a");
    assertThat(request.getValue().instanceIds()).containsExactly(id(1));
    assertThat(request.getValue().protectedFromScaleIn()).isTrue();
  }

  @Test
  void aRefusalIsAFaultNamingTheOperation() {
    doThrow(
            AutoScalingException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ValidationError")
                        .errorMessage("The instance is not part of Auto Scaling group asg-a.")
                        .build())
                .build())
        .when(asg)
        .setInstanceProtection(any(SetInstanceProtectionRequest.class));

    assertThatThrownBy(() -> adapter.setProtection("asg-a", List.of(id(1)), false))
        .isInstanceOfSatisfying(
            AwsFault.class,
            f -> {
              assertThat(f.kind()).isEqualTo(AwsFault.Kind.INVALID_REQUEST);
              assertThat(f.operation()).isEqualTo("autoscaling:SetInstanceProtection");
              assertThat(f.getMessage()).contains("ValidationError");
            });
  }
}
