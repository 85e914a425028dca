package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * {@link SsmPort} over the AWS SDK.
 *
 * <p>With a document prefix, each {@link HostCommand} goes to its own Command document, which holds
 * the same fixed lines and takes no parameters. Without one, the lines go through {@code
 * AWS-RunShellScript}. Either way the delivery timeout is set explicitly (SSM's default holds a
 * command for an unreachable host for an hour).
 */
public final class SsmAdapter implements SsmPort {
  /** The shared document used when no prefix is configured. */
  public static final String RUN_SHELL_SCRIPT = "AWS-RunShellScript";

  /** Every host command returns within seconds; this caps a hung one. */
  static final String EXECUTION_TIMEOUT_SECONDS = "300";

  /** Invocations are read a few at a time when a check covers many hosts. */
  private static final int READ_PARALLELISM = 4;

  private final SsmClient ssm;
  private final Optional<String> documentPrefix;
  private final Duration deliveryTimeout;
  private ExecutorService readers;

  public SsmAdapter(SsmClient ssm, Optional<String> documentPrefix, Duration deliveryTimeout) {
    this.ssm = ssm;
    this.documentPrefix = documentPrefix;
    this.deliveryTimeout = deliveryTimeout;
  }

  /** The document that runs {@code command}. */
  public String documentName(HostCommand command) {
    return documentPrefix.map(command::documentName).orElse(RUN_SHELL_SCRIPT);
  }

  @Override
  public String sendCommand(HostCommand command, List<String> instanceIds, String comment) {
    if (instanceIds.isEmpty() || instanceIds.size() > MAX_TARGETS) {
      throw new IllegalArgumentException(
          "between 1 and " + MAX_TARGETS + " instance ids, got " + instanceIds.size());
    }
    var response =
        call(
            "ssm:SendCommand",
            () ->
                ssm.sendCommand(
                    r -> {
                      r.documentName(documentName(command))
                          .instanceIds(instanceIds)
                          .comment(comment)
                          .timeoutSeconds((int) Math.max(30, deliveryTimeout.toSeconds()));
                      if (documentPrefix.isEmpty()) {
                        r.parameters(
                            Map.of(
                                "commands", command.lines(),
                                "executionTimeout", List.of(EXECUTION_TIMEOUT_SECONDS)));
                      }
                    }));
    return response.command().commandId();
  }

  @Override
  public CommandProgress commandProgress(String commandId) {
    var response = call("ssm:ListCommands", () -> ssm.listCommands(r -> r.commandId(commandId)));
    if (response.commands().isEmpty()) {
      return new CommandProgress(0, 0);
    }
    Command c = response.commands().get(0);
    return new CommandProgress(
        c.targetCount() == null ? 0 : c.targetCount(),
        c.completedCount() == null ? 0 : c.completedCount());
  }

  @Override
  public CommandInvocation invocation(String commandId, String instanceId) {
    try {
      GetCommandInvocationResponse r =
          ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId));
      return new CommandInvocation(
          commandId,
          instanceId,
          InvocationStatus.fromWire(
              r.statusDetails() != null ? r.statusDetails() : r.statusAsString()),
          r.standardOutputContent(),
          r.standardErrorContent());
    } catch (InvocationDoesNotExistException e) {
      // SSM does not know the invocation for a moment after SendCommand.
      return CommandInvocation.pending(commandId, instanceId);
    } catch (SdkException e) {
      throw AwsErrors.map("ssm:GetCommandInvocation", e);
    }
  }

  @Override
  public List<CommandInvocation> invocations(String commandId, List<String> instanceIds) {
    if (instanceIds.size() <= READ_PARALLELISM) {
      return SsmPort.super.invocations(commandId, instanceIds);
    }
    ExecutorService pool = readers();
    try {
      List<Future<CommandInvocation>> futures = new ArrayList<>();
      for (String id : instanceIds) {
        futures.add(pool.submit(() -> invocation(commandId, id)));
      }
      List<CommandInvocation> out = new ArrayList<>();
      for (Future<CommandInvocation> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AwsFault fault) {
        throw fault;
      }
      throw new IllegalStateException("reading SSM invocations failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading SSM invocations", e);
    }
  }

  /**
   * The reader threads, made on the first large read and kept for the adapter's life (a check of
   * 5,000 hosts reads in 100 batches). Daemon threads, so they never keep a JVM alive.
   */
  private synchronized ExecutorService readers() {
    if (readers == null) {
      readers =
          Executors.newFixedThreadPool(
              READ_PARALLELISM,
              r -> {
                Thread t = new Thread(r, "ssm-invocation-reader");
                t.setDaemon(true);
                return t;
              });
    }
    return readers;
  }

  @Override
  public Optional<String> parameter(String name) {
    try {
      return Optional.of(
          ssm.getParameter(GetParameterRequest.builder().name(name).build()).parameter().value());
    } catch (ParameterNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsErrors.map("ssm:GetParameter", e);
    }
  }

  private static <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw AwsErrors.map(operation, e);
    }
  }
}
