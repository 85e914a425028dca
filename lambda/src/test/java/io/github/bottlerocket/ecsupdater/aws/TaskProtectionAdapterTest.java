package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.GetTaskProtectionRequest;
import software.amazon.awssdk.services.ecs.model.GetTaskProtectionResponse;
import software.amazon.awssdk.services.ecs.model.ProtectedTask;

/** The GetTaskProtection requests the ECS adapter sends, and how it reads the answers. */
class TaskProtectionAdapterTest {
  private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
  private static final Instant UNTIL = Instant.parse("2026-11-26T12:00:00Z");

  // The adapter calls the SDK's consumer-builder overloads, default methods that build the request.
  private final EcsClient ecs =
      mock(EcsClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final EcsAdapter adapter = new EcsAdapter(ecs);

  private static String task(int i) {
    return "arn:aws:ecs:us-east-1:123456789012:task/prod/" + String.format("%032d", i);
  }

  @Test
  void asksTenTasksAtATimeInTheirClusterAndAnswersInTheOrderAsked() {
    doAnswer(
            inv -> {
              GetTaskProtectionRequest r = inv.getArgument(0);
              return GetTaskProtectionResponse.builder()
                  .protectedTasks(
                      r.tasks().stream()
                          .map(
                              t ->
                                  ProtectedTask.builder()
                                      .taskArn(t)
                                      .protectionEnabled(t.equals(task(11)))
                                      .expirationDate(t.equals(task(11)) ? UNTIL : null)
                                      .build())
                          .toList())
                  .build();
            })
        .when(ecs)
        .getTaskProtection(any(GetTaskProtectionRequest.class));
    List<String> tasks = IntStream.range(0, 12).mapToObj(TaskProtectionAdapterTest::task).toList();

    List<TaskProtection> read = adapter.taskProtection(CLUSTER, tasks);

    ArgumentCaptor<GetTaskProtectionRequest> requests =
        ArgumentCaptor.forClass(GetTaskProtectionRequest.class);
    verify(ecs, times(2)).getTaskProtection(requests.capture());
    assertThat(requests.getAllValues()).allSatisfy(r -> assertThat(r.cluster()).isEqualTo(CLUSTER));
    assertThat(requests.getAllValues().get(0).tasks()).isEqualTo(tasks.subList(0, 10));
    assertThat(requests.getAllValues().get(1).tasks()).isEqualTo(tasks.subList(10, 12));
    assertThat(read).extracting(TaskProtection::taskArn).isEqualTo(tasks);
    assertThat(read.get(11)).isEqualTo(TaskProtection.protectedUntil(task(11), Optional.of(UNTIL)));
    assertThat(read.subList(0, 11))
        .allSatisfy(p -> assertThat(p.state()).isEqualTo(TaskProtection.State.NOT_PROTECTED));
  }

  @Test
  void aTaskThatIsGoneHoldsNothingAndAnyOtherFailureOrSilenceIsUnknown() {
    doAnswer(
            inv ->
                GetTaskProtectionResponse.builder()
                    .failures(
                        Failure.builder().arn(task(1)).reason("MISSING").build(),
                        Failure.builder()
                            .arn(task(2))
                            .reason("TASK_NOT_VALID")
                            .detail("not a service task")
                            .build())
                    .build())
        .when(ecs)
        .getTaskProtection(any(GetTaskProtectionRequest.class));

    List<TaskProtection> read = adapter.taskProtection(CLUSTER, List.of(task(1), task(2), task(3)));

    assertThat(read)
        .containsExactly(
            TaskProtection.notProtected(task(1)),
            TaskProtection.unknown(task(2), "TASK_NOT_VALID: not a service task"),
            TaskProtection.unknown(task(3), "not in ECS's answer"));
  }

  @Test
  void noTasksNoCall() {
    assertThat(adapter.taskProtection(CLUSTER, List.of())).isEmpty();
    verify(ecs, times(0)).getTaskProtection(any(GetTaskProtectionRequest.class));
  }

  @Test
  void aDeniedCallIsAnAccessFaultNamingTheOperation() {
    doThrow(
            EcsException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("AccessDeniedException")
                        .errorMessage("not authorized to perform: ecs:GetTaskProtection")
                        .build())
                .build())
        .when(ecs)
        .getTaskProtection(any(GetTaskProtectionRequest.class));

    assertThatThrownBy(() -> adapter.taskProtection(CLUSTER, List.of(task(1))))
        .isInstanceOfSatisfying(
            AwsFault.class,
            f -> {
              assertThat(f.kind()).isEqualTo(AwsFault.Kind.ACCESS_DENIED);
              assertThat(f.operation()).isEqualTo("ecs:GetTaskProtection");
            });
  }
}
