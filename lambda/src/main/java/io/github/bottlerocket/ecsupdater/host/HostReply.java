package io.github.bottlerocket.ecsupdater.host;

import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;

/** What one host answered to one {@link HostCommand}, classified for the decision logic. */
public sealed interface HostReply {

  /** The invocation has not finished yet. */
  record Pending(InvocationStatus status) implements HostReply {}

  /** The command succeeded and printed a status document. */
  record Status(UpdateStatus status) implements HostReply {}

  /** The command succeeded; it prints nothing the updater needs. */
  record Done() implements HostReply {}

  /** The command failed, could not run, or printed something that is not a status. */
  record Failed(HostError error) implements HostReply {}

  /** Classifies an SSM invocation of {@code command}. */
  static HostReply of(HostCommand command, CommandInvocation invocation) {
    InvocationStatus status = invocation.status();
    if (!status.isTerminal()) {
      return new Pending(status);
    }
    return switch (status) {
      case SUCCESS -> succeeded(command, invocation);
      case FAILED -> new Failed(HostError.fromStderr(invocation.stderr()));
      case TIMED_OUT, CANCELLED, UNDELIVERABLE, TERMINATED ->
          new Failed(
              HostError.of(
                  HostError.Kind.NOT_RUN,
                  "SSM reports the invocation as " + status + detailOf(invocation)));
      case PENDING, IN_PROGRESS, DELAYED, CANCELLING -> new Pending(status);
    };
  }

  private static HostReply succeeded(HostCommand command, CommandInvocation invocation) {
    return switch (command) {
      case CHECK, STATUS, PREPARE ->
          switch (StatusParser.parse(invocation.stdout())) {
            case StatusParser.Result.Parsed p -> new Status(p.status());
            case StatusParser.Result.Unparseable u -> new Failed(u.error());
          };
      case ACTIVATE, REBOOT, CANCEL -> new Done();
    };
  }

  private static String detailOf(CommandInvocation invocation) {
    String err = HostError.clean(invocation.stderr());
    return err.isEmpty() ? "" : ": " + err;
  }
}
