package io.github.bottlerocket.ecsupdater.model;

import java.util.Objects;

/**
 * One host's part of an SSM command, as {@code GetCommandInvocation} reports it.
 *
 * @param commandId the SSM command id
 * @param instanceId the EC2 instance id
 * @param status where the invocation stands
 * @param stdout standard output (SSM keeps at most 24,000 characters), empty while running
 * @param stderr standard error, empty while running
 */
public record CommandInvocation(
    String commandId, String instanceId, InvocationStatus status, String stdout, String stderr) {

  public CommandInvocation {
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(status, "status");
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
  }

  /** An invocation that SSM does not report yet (right after SendCommand) or still runs. */
  public static CommandInvocation pending(String commandId, String instanceId) {
    return new CommandInvocation(commandId, instanceId, InvocationStatus.PENDING, "", "");
  }
}
