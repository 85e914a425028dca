package io.github.bottlerocket.ecsupdater.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostReplyTest {

  private static CommandInvocation invocation(
      InvocationStatus status, String stdout, String stderr) {
    return new CommandInvocation("cmd-1", "i-1", status, stdout, stderr);
  }

  @ParameterizedTest
  @EnumSource(
      value = InvocationStatus.class,
      names = {"PENDING", "IN_PROGRESS", "DELAYED", "CANCELLING"})
  void aRunningInvocationIsPending(InvocationStatus status) {
    assertThat(HostReply.of(HostCommand.CHECK, invocation(status, "", "")))
        .isInstanceOf(HostReply.Pending.class);
  }

  @ParameterizedTest
  @EnumSource(
      value = InvocationStatus.class,
      names = {"TIMED_OUT", "CANCELLED", "UNDELIVERABLE", "TERMINATED"})
  void anInvocationSsmGaveUpOnDidNotRun(InvocationStatus status) {
    HostReply r = HostReply.of(HostCommand.CHECK, invocation(status, "", ""));

    assertThat(r)
        .isInstanceOfSatisfying(
            HostReply.Failed.class,
            f -> {
              assertThat(f.error().kind()).isEqualTo(HostError.Kind.NOT_RUN);
              assertThat(f.error().detail()).contains(status.name());
            });
  }

  @Test
  void aSuccessfulCheckCarriesTheParsedStatus() {
    HostReply r =
        HostReply.of(
            HostCommand.CHECK,
            invocation(
                InvocationStatus.SUCCESS, Fixtures.apiclient("synthetic-ecs-ready.json"), ""));

    assertThat(r)
        .isInstanceOfSatisfying(
            HostReply.Status.class,
            s -> assertThat(s.status().state()).isEqualTo(UpdateState.READY));
  }

  @Test
  void aSuccessfulCheckWithEmptyOutputIsUnparseable() {
    HostReply r = HostReply.of(HostCommand.CHECK, invocation(InvocationStatus.SUCCESS, "", ""));

    assertThat(r)
        .isInstanceOfSatisfying(
            HostReply.Failed.class,
            f -> assertThat(f.error().kind()).isEqualTo(HostError.Kind.UNPARSEABLE));
  }

  @Test
  void aFailedStatusReadIsClassifiedFromStderr() {
    HostReply r =
        HostReply.of(
            HostCommand.STATUS,
            invocation(
                InvocationStatus.FAILED,
                "",
                Fixtures.apiclient("synthetic-404-raw-get-status.txt")));

    assertThat(r)
        .isInstanceOfSatisfying(
            HostReply.Failed.class,
            f -> assertThat(f.error().kind()).isEqualTo(HostError.Kind.UNINITIALIZED));
  }

  @ParameterizedTest
  @EnumSource(
      value = HostCommand.class,
      names = {"ACTIVATE", "REBOOT", "CANCEL"})
  void commandsWithoutOutputAreDoneOnSuccess(HostCommand command) {
    assertThat(HostReply.of(command, invocation(InvocationStatus.SUCCESS, "", "")))
        .isInstanceOf(HostReply.Done.class);
  }

  @ParameterizedTest
  @EnumSource(InvocationStatus.class)
  void ssmWireValuesRoundTrip(InvocationStatus status) {
    String wire =
        switch (status) {
          case IN_PROGRESS -> "InProgress";
          case TIMED_OUT -> "TimedOut";
          default ->
              status.name().charAt(0)
                  + status.name().substring(1).toLowerCase(java.util.Locale.ROOT);
        };
    assertThat(InvocationStatus.fromWire(wire)).isEqualTo(status);
  }

  @Test
  void detailedSsmStatusesMapToWhatHappened() {
    assertThat(InvocationStatus.fromWire("Delivery Timed Out"))
        .isEqualTo(InvocationStatus.TIMED_OUT);
    assertThat(InvocationStatus.fromWire("Execution Timed Out"))
        .isEqualTo(InvocationStatus.TIMED_OUT);
    assertThat(InvocationStatus.fromWire("InvalidPlatform"))
        .isEqualTo(InvocationStatus.UNDELIVERABLE);
    assertThat(InvocationStatus.fromWire("AccessDenied")).isEqualTo(InvocationStatus.UNDELIVERABLE);
    assertThat(InvocationStatus.fromWire("SomethingNew")).isEqualTo(InvocationStatus.PENDING);
  }
}
