package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
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
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationRequest;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.ListCommandsRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandsResponse;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SendCommandResponse;

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
  void readsManyInvocationsInTheirOrder() {
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

  @Test
  void readsACommandsProgressFromListCommands() {
    doReturn(
            ListCommandsResponse.builder()
                .commands(
                    Command.builder().commandId("c-1").targetCount(50).completedCount(48).build())
                .build())
        .when(ssm)
        .listCommands(any(ListCommandsRequest.class));

    SsmPort.CommandProgress p =
        new SsmAdapter(ssm, Optional.empty(), Duration.ofMinutes(10)).commandProgress("c-1");

    ArgumentCaptor<ListCommandsRequest> r = ArgumentCaptor.forClass(ListCommandsRequest.class);
    verify(ssm).listCommands(r.capture());
    assertThat(r.getValue().commandId()).isEqualTo("c-1");
    assertThat(p).isEqualTo(new SsmPort.CommandProgress(50, 48));
    assertThat(p.isComplete()).isFalse();
  }
}
