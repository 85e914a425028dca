package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.model.ParameterValue;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandPlugin;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsResponse;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * {@link SsmPort} over the AWS SDK.
 *
 * <p>With a document prefix, each {@link HostCommand} goes to its own Command document, which holds
 * the same fixed lines and takes no parameters. Without one, the lines go through {@code
 * AWS-RunShellScript}. Either way the delivery timeout is set explicitly (SSM's default holds a
 * command for an unreachable host for an hour).
 *
 * <p>A command's replies are read a page of 50 at a time ({@code ListCommandInvocations} with
 * {@code Details}), each plugin output split back into standard output and error where the SSM
 * agent joined them. An invocation whose output the agent cut is read whole with {@code
 * GetCommandInvocation}; so is every invocation once the endpoint turned out not to serve the paged
 * call (an emulator), for the rest of the adapter's life.
 */
public final class SsmAdapter implements SsmPort {
  /** The shared document used when no prefix is configured. */
  public static final String RUN_SHELL_SCRIPT = "AWS-RunShellScript";

  /** Every host command returns within seconds; this caps a hung one. */
  static final String EXECUTION_TIMEOUT_SECONDS = "300";

  /** Invocations are read a few at a time when a check covers many hosts. */
  private static final int READ_PARALLELISM = 4;

  /** ListCommandInvocations returns at most 50 invocations a page. */
  static final int PAGE_SIZE = 50;

  /**
   * What the SSM agent puts between a plugin's standard output and error in its output, and the
   * markers it appends where it cut either to fit 2,400 characters (amazon-ssm-agent's
   * TruncateOutput).
   */
  static final String ERROR_TITLE = "\n----------ERROR-------\n";

  static final String OUTPUT_CUT = "\n---Output truncated---";
  static final String ERROR_CUT = "\n---Error truncated----";
  static final int AGENT_OUTPUT_LIMIT = 2400;

  /** How an endpoint answers an action it does not implement. */
  private static final Set<String> NOT_SERVED =
      Set.of("UnknownOperationException", "InvalidAction");

  private final SsmClient ssm;
  private final Optional<String> documentPrefix;
  private final Duration deliveryTimeout;
  private ExecutorService readers;
  private volatile boolean pagedReadsServed = true;

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
    if (instanceIds.isEmpty()) {
      return List.of();
    }
    Map<String, CommandInvocation> listed = pagedReadsServed ? listed(commandId) : null;
    if (listed == null) {
      return oneByOne(commandId, instanceIds);
    }
    List<String> cut = new ArrayList<>();
    for (String id : instanceIds) {
      if (listed.containsKey(id) && listed.get(id) == null) {
        cut.add(id);
      }
    }
    Map<String, CommandInvocation> whole = new HashMap<>();
    for (CommandInvocation inv : oneByOne(commandId, cut)) {
      whole.put(inv.instanceId(), inv);
    }
    List<CommandInvocation> out = new ArrayList<>();
    for (String id : instanceIds) {
      if (whole.containsKey(id)) {
        out.add(whole.get(id));
      } else if (listed.get(id) != null) {
        out.add(listed.get(id));
      } else {
        // Not listed yet: SSM does not know the invocation for a moment after SendCommand.
        out.add(CommandInvocation.pending(commandId, id));
      }
    }
    return out;
  }

  /**
   * Every invocation of the command, by instance id, read in pages with their output; an invocation
   * whose output was cut maps to null. Null as a whole when the endpoint does not serve the call.
   */
  private Map<String, CommandInvocation> listed(String commandId) {
    Map<String, CommandInvocation> out = new HashMap<>();
    String token = null;
    do {
      String next = token;
      ListCommandInvocationsResponse page;
      try {
        page =
            ssm.listCommandInvocations(
                r -> r.commandId(commandId).details(true).maxResults(PAGE_SIZE).nextToken(next));
      } catch (AwsServiceException e) {
        if (notServed(e)) {
          pagedReadsServed = false;
          return null;
        }
        throw AwsErrors.map("ssm:ListCommandInvocations", e);
      } catch (SdkException e) {
        throw AwsErrors.map("ssm:ListCommandInvocations", e);
      }
      for (var inv : page.commandInvocations()) {
        out.put(inv.instanceId(), fromListing(commandId, inv));
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return out;
  }

  /**
   * An endpoint that does not implement the call: AWS's answer to an unknown action, or an HTTP 5xx
   * without any error code (moto's answer). A 5xx from AWS itself always carries a code, and is a
   * fault like any other.
   */
  private static boolean notServed(AwsServiceException e) {
    String code =
        e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
            ? ""
            : e.awsErrorDetails().errorCode();
    return NOT_SERVED.contains(code)
        || e.statusCode() == 501
        || (e.statusCode() >= 500 && code.isEmpty());
  }

  /** One listed invocation, or null when its output must be read whole. */
  private static CommandInvocation fromListing(
      String commandId, software.amazon.awssdk.services.ssm.model.CommandInvocation inv) {
    InvocationStatus status =
        InvocationStatus.fromWire(
            inv.statusDetails() != null && !inv.statusDetails().isEmpty()
                ? inv.statusDetails()
                : inv.statusAsString());
    if (!status.isTerminal()) {
      return new CommandInvocation(commandId, inv.instanceId(), status, "", "");
    }
    if (inv.commandPlugins().size() != 1) {
      return null;
    }
    CommandPlugin plugin = inv.commandPlugins().get(0);
    String output = plugin.output() == null ? "" : plugin.output();
    if (output.length() >= AGENT_OUTPUT_LIMIT || output.endsWith(ERROR_CUT)) {
      return null;
    }
    int title = output.indexOf(ERROR_TITLE);
    if (title >= 0 && output.indexOf(ERROR_TITLE, title + 1) >= 0) {
      return null;
    }
    String stdout = title < 0 ? output : output.substring(0, title);
    String stderr = title < 0 ? "" : output.substring(title + ERROR_TITLE.length());
    if (stdout.endsWith(OUTPUT_CUT)) {
      return null;
    }
    return new CommandInvocation(commandId, inv.instanceId(), status, stdout, stderr);
  }

  /** The invocations read one GetCommandInvocation each, a few at a time. */
  private List<CommandInvocation> oneByOne(String commandId, List<String> instanceIds) {
    if (instanceIds.size() <= READ_PARALLELISM) {
      return instanceIds.stream().map(id -> invocation(commandId, id)).toList();
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

  @Override
  public Map<String, ParameterValue> parameters(List<String> names) {
    if (names.isEmpty() || names.size() > MAX_PARAMETERS) {
      throw new IllegalArgumentException(
          "between 1 and " + MAX_PARAMETERS + " parameter names, got " + names.size());
    }
    var response = call("ssm:GetParameters", () -> ssm.getParameters(r -> r.names(names)));
    Map<String, ParameterValue> out = new HashMap<>();
    for (var p : response.parameters()) {
      if (p.name() != null && p.value() != null && p.lastModifiedDate() != null) {
        out.put(p.name(), new ParameterValue(p.name(), p.value(), p.lastModifiedDate()));
      }
    }
    return out;
  }

  @Override
  public CalendarState calendarState(List<String> calendars) {
    var response =
        call("ssm:GetCalendarState", () -> ssm.getCalendarState(r -> r.calendarNames(calendars)));
    boolean open = "OPEN".equals(response.stateAsString());
    return new CalendarState(open, time(response.nextTransitionTime()));
  }

  /** An ISO 8601 time as SSM writes it, with or without an offset; empty when there is none. */
  private static Optional<Instant> time(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text.strip()).toInstant());
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(Instant.parse(text.strip()));
      } catch (DateTimeParseException again) {
        return Optional.empty();
      }
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
