package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandPlugin;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationRequest;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsResponse;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SendCommandResponse;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** The exact requests the SSM adapter sends, against a mocked SDK client. */
class SsmAdapterTest {
  private final SsmClient ssm =
      mock(SsmClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));

  private SendCommandRequest sent(SsmAdapter adapter, HostCommand command, List<String> ids) {
    doReturn(
            SendCommandResponse.builder()
                .command(Command.builder().commandId("c-1").build())
                .build())
        .when(ssm)
        .sendCommand(any(SendCommandRequest.class));
    String id = adapter.sendCommand(command, ids, "bottlerocket-ecs-updater prod run-1");
    assertThat(id).isEqualTo("c-1");
    ArgumentCaptor<SendCommandRequest> r = ArgumentCaptor.forClass(SendCommandRequest.class);
    verify(ssm).sendCommand(r.capture());
    return r.getValue();
  }

  @ParameterizedTest
  @EnumSource(HostCommand.class)
  void withDocumentsEachCommandGoesToItsOwnDocumentWithoutParameters(HostCommand command) {
    SsmAdapter adapter =
        new SsmAdapter(ssm, Optional.of("BottlerocketUpdater-"), Duration.ofMinutes(10));

    SendCommandRequest r = sent(adapter, command, List.of("i-1", "i-2"));

    assertThat(r.documentName()).isEqualTo("BottlerocketUpdater-" + command.documentSuffix());
    assertThat(r.parameters()).isEmpty();
    assertThat(r.instanceIds()).containsExactly("i-1", "i-2");
    assertThat(r.timeoutSeconds()).isEqualTo(600);
    assertThat(r.comment()).isEqualTo("bottlerocket-ecs-updater prod run-1");
  }

  @ParameterizedTest
  @EnumSource(HostCommand.class)
  void withoutDocumentsTheSameLinesGoThroughRunShellScript(HostCommand command) {
    SsmAdapter adapter = new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10));

    SendCommandRequest r = sent(adapter, command, List.of("i-1"));

    assertThat(r.documentName()).isEqualTo("AWS-RunShellScript");
    assertThat(r.parameters())
        .isEqualTo(Map.of("commands", command.lines(), "executionTimeout", List.of("300")));
  }

  @Test
  void refusesMoreTargetsThanSsmAccepts() {
    SsmAdapter adapter = new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10));
    List<String> ids = IntStream.range(0, SsmPort.MAX_TARGETS + 1).mapToObj(i -> "i-" + i).toList();

    assertThatThrownBy(() -> adapter.sendCommand(HostCommand.CHECK, ids, "c"))
        .hasMessageContaining("between 1 and 50");
  }

  @Test
  void anInvocationSsmDoesNotKnowYetIsPending() {
    doThrow(InvocationDoesNotExistException.builder().message("no").build())
        .when(ssm)
        .getCommandInvocation(any(GetCommandInvocationRequest.class));

    CommandInvocation inv =
        new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10)).invocation("c-1", "i-1");

    assertThat(inv.status()).isEqualTo(InvocationStatus.PENDING);
  }

  @Test
  void readsStatusStdoutAndStderrOfAnInvocation() {
    doReturn(
            GetCommandInvocationResponse.builder()
                .status("TimedOut")
                .statusDetails("Delivery Timed Out")
                .standardOutputContent("")
                .standardErrorContent("x")
                .build())
        .when(ssm)
        .getCommandInvocation(any(GetCommandInvocationRequest.class));

    CommandInvocation inv =
        new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10)).invocation("c-1", "i-1");

    ArgumentCaptor<GetCommandInvocationRequest> r =
        ArgumentCaptor.forClass(GetCommandInvocationRequest.class);
    verify(ssm).getCommandInvocation(r.capture());
    assertThat(r.getValue().commandId()).isEqualTo("c-1");
    assertThat(r.getValue().instanceId()).isEqualTo("i-1");
    assertThat(inv.status()).isEqualTo(InvocationStatus.TIMED_OUT);
    assertThat(inv.stderr()).isEqualTo("x");
  }

  @Test
  void readsManyInvocationsInTheirOrderOneByOneWhereListingIsNotServed() {
    doThrow(notImplemented())
        .when(ssm)
        .listCommandInvocations(any(ListCommandInvocationsRequest.class));
    doAnswer(
            inv -> {
              GetCommandInvocationRequest r = inv.getArgument(0);
              return GetCommandInvocationResponse.builder()
                  .instanceId(r.instanceId())
                  .status("Success")
                  .standardOutputContent(r.instanceId())
                  .build();
            })
        .when(ssm)
        .getCommandInvocation(any(GetCommandInvocationRequest.class));
    List<String> ids = IntStream.range(0, 20).mapToObj(i -> "i-" + i).toList();

    List<CommandInvocation> all =
        new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10)).invocations("c-1", ids);

    assertThat(all).extracting(CommandInvocation::stdout).containsExactlyElementsOf(ids);
  }

  // ------------------------------------------------------------------ replies in pages

  private static software.amazon.awssdk.services.ssm.model.CommandInvocation listed(
      String instanceId, String status, String output) {
    return software.amazon.awssdk.services.ssm.model.CommandInvocation.builder()
        .commandId("c-1")
        .instanceId(instanceId)
        .status(status)
        .statusDetails(status)
        .commandPlugins(
            CommandPlugin.builder()
                .name("aws:runShellScript")
                .status(status)
                .output(output)
                .build())
        .build();
  }

  private static AwsServiceException notImplemented() {
    // moto's answer to an action it does not implement: HTTP 500 with an HTML page, no code.
    return SsmException.builder()
        .statusCode(500)
        .awsErrorDetails(
            AwsErrorDetails.builder().errorMessage("500 Internal Server Error").build())
        .build();
  }

  private void stubGet() {
    doAnswer(
            inv -> {
              GetCommandInvocationRequest r = inv.getArgument(0);
              return GetCommandInvocationResponse.builder()
                  .instanceId(r.instanceId())
                  .status("Success")
                  .statusDetails("Success")
                  .standardOutputContent("whole " + r.instanceId())
                  .standardErrorContent("")
                  .build();
            })
        .when(ssm)
        .getCommandInvocation(any(GetCommandInvocationRequest.class));
  }

  private SsmAdapter adapter() {
    return new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10));
  }

  @Test
  void readsACommandsRepliesInPagesOfFiftyWithDetailsAndSplitsStdoutFromStderr() {
    doReturn(
            ListCommandInvocationsResponse.builder()
                .commandInvocations(
                    listed(
                        "i-1",
                        "Success",
                        "{\"update_state\":\"Idle\"}\n----------ERROR-------\n[INFO] Refreshing updates...\n"))
                .nextToken("page-2")
                .build(),
            ListCommandInvocationsResponse.builder()
                .commandInvocations(listed("i-2", "Failed", "only stdout"))
                .build())
        .when(ssm)
        .listCommandInvocations(any(ListCommandInvocationsRequest.class));

    List<CommandInvocation> all = adapter().invocations("c-1", List.of("i-2", "i-1"));

    ArgumentCaptor<ListCommandInvocationsRequest> r =
        ArgumentCaptor.forClass(ListCommandInvocationsRequest.class);
    verify(ssm, times(2)).listCommandInvocations(r.capture());
    assertThat(r.getAllValues())
        .allSatisfy(
            q -> {
              assertThat(q.commandId()).isEqualTo("c-1");
              assertThat(q.details()).isTrue();
              assertThat(q.maxResults()).isEqualTo(50);
            });
    assertThat(r.getAllValues())
        .extracting(ListCommandInvocationsRequest::nextToken)
        .containsExactly(null, "page-2");
    assertThat(all)
        .containsExactly(
            new CommandInvocation("c-1", "i-2", InvocationStatus.FAILED, "only stdout", ""),
            new CommandInvocation(
                "c-1",
                "i-1",
                InvocationStatus.SUCCESS,
                "{\"update_state\":\"Idle\"}",
                "[INFO] Refreshing updates...\n"));
    verify(ssm, never()).getCommandInvocation(any(GetCommandInvocationRequest.class));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "out\n---Output truncated---\n----------ERROR-------\nerr",
        "out\n----------ERROR-------\nerr\n---Error truncated----",
        "x\n---Output truncated---"
      })
  void anInvocationWhoseOutputWasCutIsReadWhole(String output) {
    doReturn(
            ListCommandInvocationsResponse.builder()
                .commandInvocations(
                    listed("i-1", "Success", output), listed("i-2", "Success", "ok"))
                .build())
        .when(ssm)
        .listCommandInvocations(any(ListCommandInvocationsRequest.class));
    stubGet();

    List<CommandInvocation> all = adapter().invocations("c-1", List.of("i-1", "i-2"));

    assertThat(all).extracting(CommandInvocation::stdout).containsExactly("whole i-1", "ok");
    ArgumentCaptor<GetCommandInvocationRequest> r =
        ArgumentCaptor.forClass(GetCommandInvocationRequest.class);
    verify(ssm).getCommandInvocation(r.capture());
    assertThat(r.getValue().instanceId()).isEqualTo("i-1");
  }

  @Test
  void anInvocationNotListedYetIsPendingAndARunningOneHasNoOutput() {
    doReturn(
            ListCommandInvocationsResponse.builder()
                .commandInvocations(listed("i-1", "InProgress", ""))
                .build())
        .when(ssm)
        .listCommandInvocations(any(ListCommandInvocationsRequest.class));

    List<CommandInvocation> all = adapter().invocations("c-1", List.of("i-1", "i-2"));

    assertThat(all)
        .extracting(CommandInvocation::status)
        .containsExactly(InvocationStatus.IN_PROGRESS, InvocationStatus.PENDING);
    verify(ssm, never()).getCommandInvocation(any(GetCommandInvocationRequest.class));
  }

  @Test
  void whereTheEndpointDoesNotServeListingEveryInvocationIsReadOneByOneFromThenOn() {
    doThrow(notImplemented())
        .when(ssm)
        .listCommandInvocations(any(ListCommandInvocationsRequest.class));
    stubGet();
    SsmAdapter adapter = adapter();

    List<CommandInvocation> first = adapter.invocations("c-1", List.of("i-1", "i-2"));
    List<CommandInvocation> second = adapter.invocations("c-2", List.of("i-3"));

    assertThat(first)
        .extracting(CommandInvocation::stdout)
        .containsExactly("whole i-1", "whole i-2");
    assertThat(second).extracting(CommandInvocation::stdout).containsExactly("whole i-3");
    verify(ssm, times(1)).listCommandInvocations(any(ListCommandInvocationsRequest.class));
    verify(ssm, times(3)).getCommandInvocation(any(GetCommandInvocationRequest.class));
  }

  @Test
  void anUnknownOperationAnswerAlsoMeansNotServed() {
    doThrow(
            SsmException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorCode("UnknownOperationException").build())
                .build())
        .when(ssm)
        .listCommandInvocations(any(ListCommandInvocationsRequest.class));
    stubGet();

    assertThat(adapter().invocations("c-1", List.of("i-1")))
        .extracting(CommandInvocation::stdout)
        .containsExactly("whole i-1");
  }

  @Test
  void throttlingOfTheListingIsAFaultNotAReasonToReadOneByOne() {
    doThrow(
            SsmException.builder()
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build())
                .build())
        .when(ssm)
        .listCommandInvocations(any(ListCommandInvocationsRequest.class));

    assertThatThrownBy(() -> adapter().invocations("c-1", List.of("i-1")))
        .isInstanceOfSatisfying(
            AwsFault.class, f -> assertThat(f.kind()).isEqualTo(AwsFault.Kind.THROTTLED));
    verify(ssm, never()).getCommandInvocation(any(GetCommandInvocationRequest.class));
  }
}
