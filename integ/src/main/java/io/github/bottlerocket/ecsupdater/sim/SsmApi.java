package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SSM Run Command operations the updater uses. A command is recognised as one of the updater's
 * {@link HostCommand}s by its lines ({@code AWS-RunShellScript}) or by its document name (the
 * configured prefix plus {@link HostCommand#documentSuffix()}); any other script fails on the host,
 * loudly.
 */
final class SsmApi {
  static final String PREFIX = "AmazonSSM";
  static final String RUN_SHELL_SCRIPT = "AWS-RunShellScript";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_OUTPUT = 24_000;
  private static final Set<String> SHELL_PARAMETERS =
      Set.of("commands", "executionTimeout", "workingDirectory");

  private static final Set<String> FILTER_KEYS =
      Set.of("InvokedAfter", "InvokedBefore", "Status", "ExecutionStage", "DocumentName");
  private static final Pattern INSTANCE_ID =
      Pattern.compile("(^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)");

  private final SimulatedCluster c;
  private final SsmStoreApi store;

  SsmApi(SimulatedCluster cluster) {
    this.c = cluster;
    this.store = new SsmStoreApi(cluster);
  }

  JsonNode handle(String operation, JsonNode r) {
    synchronized (c) {
      c.catchUp();
      return switch (operation) {
        case "SendCommand" -> sendCommand(r);
        case "GetCommandInvocation" -> getCommandInvocation(r);
        case "ListCommands" -> listCommands(r);
        case "ListCommandInvocations" -> listCommandInvocations(r);
        default -> {
          if (SsmStoreApi.OPERATIONS.contains(operation)) {
            yield store.handle(operation, r);
          }
          throw AwsEndpoint.unknownOperation(PREFIX, operation);
        }
      };
    }
  }

  private JsonNode sendCommand(JsonNode r) {
    String document =
        EcsApi.text(r, "DocumentName")
            .orElseThrow(
                () ->
                    AwsError.validation(
                        "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null"));
    List<String> ids = EcsApi.strings(r, "InstanceIds");
    if (ids.isEmpty()) {
      throw AwsError.validation(
          "The simulated SSM accepts InstanceIds only (no Targets), at least one.");
    }
    if (ids.size() > 50) {
      throw AwsError.validation(
          "1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50");
    }
    int timeout = r.path("TimeoutSeconds").asInt(3600);
    if (timeout < 30 || timeout > 2_592_000) {
      throw AwsError.validation(
          "1 validation error detected: Value '"
              + timeout
              + "' at 'timeoutSeconds' failed to satisfy constraint: Member must have value between 30 and 2592000");
    }
    String comment = EcsApi.text(r, "Comment").orElse("");
    if (comment.length() > 100) {
      throw AwsError.validation(
          "1 validation error detected: Value at 'comment' failed to satisfy constraint: Member must have length less than or equal to 100");
    }
    List<SimInstance> targets = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String id : ids) {
      c.instances.stream()
          .filter(i -> i.ec2InstanceId.equals(id))
          .findFirst()
          .ifPresentOrElse(targets::add, () -> unknown.add(id));
    }
    if (!unknown.isEmpty()) {
      throw new AwsError(
          400,
          "InvalidInstanceId",
          "Instances " + unknown + " not in a valid state for account " + SimulatedCluster.ACCOUNT);
    }
    JsonNode parameters = r.path("Parameters");
    Optional<HostCommand> command;
    List<String> lines;
    String unrecognised = "";
    if (document.equals(RUN_SHELL_SCRIPT)) {
      for (Iterator<String> it = parameters.fieldNames(); it.hasNext(); ) {
        String p = it.next();
        if (!SHELL_PARAMETERS.contains(p)) {
          throw new AwsError(
              400,
              "InvalidParameters",
              "Parameter \"" + p + "\" is not defined in document " + RUN_SHELL_SCRIPT + ".");
        }
      }
      lines = EcsApi.strings(parameters, "commands");
      if (lines.isEmpty()) {
        throw new AwsError(
            400,
            "InvalidParameters",
            "Parameter \"commands\" is required by document " + RUN_SHELL_SCRIPT + ".");
      }
      List<String> sent = lines;
      command =
          List.of(HostCommand.values()).stream().filter(h -> h.lines().equals(sent)).findFirst();
      if (command.isEmpty()) {
        unrecognised =
            "this script is none of the updater's host commands: " + String.join(" \\n ", lines);
      }
    } else {
      Optional<String> prefix = c.ssmDocumentPrefix;
      command =
          List.of(HostCommand.values()).stream()
              .filter(h -> prefix.isPresent() && h.documentName(prefix.get()).equals(document))
              .findFirst();
      if (command.isEmpty()) {
        throw new AwsError(
            400, "InvalidDocument", "Document with name " + document + " does not exist.");
      }
      if (parameters.size() > 0) {
        throw new AwsError(
            400, "InvalidParameters", "Document " + document + " takes no parameters.");
      }
      lines = command.get().lines();
    }
    Instant now = c.clock().instant();
    SsmCommand sc = c.send(document, command, unrecognised, lines, targets, comment, timeout, now);
    c.apiChanged(
        "ssm:SendCommand " + command.map(Enum::name).orElse("(unrecognised)") + " " + comment);
    ObjectNode out = MAPPER.createObjectNode();
    out.set("Command", describe(sc));
    return out;
  }

  private JsonNode getCommandInvocation(JsonNode r) {
    String commandId =
        EcsApi.text(r, "CommandId")
            .orElseThrow(() -> AwsError.validation("CommandId is required."));
    String instanceId =
        EcsApi.text(r, "InstanceId")
            .orElseThrow(() -> AwsError.validation("InstanceId is required."));
    Instant now = c.clock().instant();
    SsmCommand sc = c.commands.get(commandId);
    Optional<SsmCommand.Invocation> found = c.invocation(commandId, instanceId);
    // SSM does not know an invocation for a moment after SendCommand.
    if (sc == null
        || found.isEmpty()
        || now.isBefore(sc.requestedAt.plus(c.timing.ssmRegistration()))) {
      throw new AwsError(400, "InvocationDoesNotExist", null);
    }
    SsmCommand.Invocation inv = found.get();
    ObjectNode n = MAPPER.createObjectNode();
    n.put("CommandId", sc.id)
        .put("InstanceId", instanceId)
        .put("Comment", sc.comment)
        .put("DocumentName", sc.documentName)
        .put("DocumentVersion", "1");
    n.put("PluginName", "aws:runShellScript").put("ResponseCode", inv.responseCode);
    n.put("ExecutionStartDateTime", inv.startedAt == null ? "" : inv.startedAt.toString());
    n.put(
        "ExecutionElapsedTime",
        inv.startedAt == null
            ? ""
            : Duration.between(inv.startedAt, inv.endedAt == null ? now : inv.endedAt).toString());
    n.put("ExecutionEndDateTime", inv.endedAt == null ? "" : inv.endedAt.toString());
    n.put("Status", inv.status.wire).put("StatusDetails", inv.statusDetails);
    n.put("StandardOutputContent", truncate(inv.stdout)).put("StandardOutputUrl", "");
    n.put("StandardErrorContent", truncate(inv.stderr)).put("StandardErrorUrl", "");
    n.putObject("CloudWatchOutputConfig")
        .put("CloudWatchLogGroupName", "")
        .put("CloudWatchOutputEnabled", false);
    return n;
  }

  private JsonNode listCommands(JsonNode r) {
    Optional<String> commandId = EcsApi.text(r, "CommandId");
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("Commands");
    if (commandId.isPresent()) {
      SsmCommand sc = c.commands.get(commandId.get());
      if (sc == null) {
        throw new AwsError(400, "InvalidCommandId", null);
      }
      list.add(describe(sc));
      return out;
    }
    int max = r.path("MaxResults").asInt(50);
    if (max < 1 || max > 50) {
      throw AwsError.validation(
          "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50");
    }
    if (r.has("NextToken")) {
      throw AwsError.validation(
          "The simulated SSM does not page ListCommands without a CommandId.");
    }
    List<SsmCommand> all = new ArrayList<>(c.commands.values());
    for (int i = all.size() - 1; i >= Math.max(0, all.size() - max); i--) {
      list.add(describe(all.get(i)));
    }
    return out;
  }

  /**
   * ListCommandInvocations: pages of at most 50 (the default), newest command first, invocations in
   * the order of the command's targets; with {@code Details} each carries its plugin's output as
   * the SSM agent reports it (see {@link PluginOutput}). An invocation is not listed in the moment
   * after SendCommand in which GetCommandInvocation does not know it either.
   */
  private JsonNode listCommandInvocations(JsonNode r) {
    Optional<String> commandId = EcsApi.text(r, "CommandId");
    if (commandId.isPresent() && commandId.get().length() != 36) {
      throw AwsError.validation(
          "1 validation error detected: Value '"
              + commandId.get()
              + "' at 'commandId' failed to satisfy constraint: Member must have length less than or equal to 36");
    }
    Optional<String> instanceId = EcsApi.text(r, "InstanceId");
    if (instanceId.isPresent() && !INSTANCE_ID.matcher(instanceId.get()).matches()) {
      throw new AwsError(400, "InvalidInstanceId", null);
    }
    int max = r.path("MaxResults").asInt(50);
    if (max < 1 || max > 50) {
      throw AwsError.validation(
          "1 validation error detected: Value '"
              + max
              + "' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50");
    }
    JsonNode filters = r.path("Filters");
    if (filters.isArray() && (filters.isEmpty() || filters.size() > 5)) {
      throw AwsError.validation(
          "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length between 1 and 5");
    }
    for (JsonNode f : filters) {
      String key = f.path("key").asText();
      if (!FILTER_KEYS.contains(key)) {
        throw new AwsError(400, "InvalidFilterKey", null);
      }
      if (key.equals("ExecutionStage")) {
        throw AwsError.validation("The simulated SSM does not filter by ExecutionStage.");
      }
    }
    boolean details = r.path("Details").asBoolean(false);
    Instant now = c.clock().instant();
    List<SsmCommand> commands = new ArrayList<>(c.commands.values());
    java.util.Collections.reverse(commands);
    List<SsmCommand.Invocation> matching = new ArrayList<>();
    for (SsmCommand sc : commands) {
      if (commandId.isPresent() && !sc.id.equals(commandId.get())) {
        continue;
      }
      if (now.isBefore(sc.requestedAt.plus(c.timing.ssmRegistration()))) {
        continue;
      }
      for (SsmCommand.Invocation inv : sc.invocations) {
        if (instanceId.map(inv.instance.ec2InstanceId::equals).orElse(true)
            && passes(filters, inv)) {
          matching.add(inv);
        }
      }
    }
    int from =
        Pages.from(
            r, "NextToken", "invocations", () -> new AwsError(400, "InvalidNextToken", null));
    int to = Math.min(matching.size(), from + max);
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("CommandInvocations");
    for (SsmCommand.Invocation inv : matching.subList(Math.min(from, to), to)) {
      list.add(invocationEntry(inv, details));
    }
    if (to < matching.size()) {
      out.put("NextToken", Pages.token("invocations", to));
    }
    return out;
  }

  private static boolean passes(JsonNode filters, SsmCommand.Invocation inv) {
    for (JsonNode f : filters) {
      String value = f.path("value").asText();
      boolean ok =
          switch (f.path("key").asText()) {
            case "Status" -> inv.status.wire.equals(value);
            case "DocumentName" -> inv.command.documentName.equals(value);
            case "InvokedAfter" -> !inv.command.requestedAt.isBefore(Instant.parse(value));
            case "InvokedBefore" -> inv.command.requestedAt.isBefore(Instant.parse(value));
            default -> true;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private ObjectNode invocationEntry(SsmCommand.Invocation inv, boolean details) {
    SsmCommand sc = inv.command;
    ObjectNode n = MAPPER.createObjectNode();
    n.put("CommandId", sc.id).put("InstanceId", inv.instance.ec2InstanceId);
    n.put("InstanceName", "").put("Comment", sc.comment);
    n.put("DocumentName", sc.documentName).put("DocumentVersion", "$DEFAULT");
    n.put("RequestedDateTime", EcsApi.seconds(sc.requestedAt));
    n.put("Status", inv.status.wire).put("StatusDetails", inv.statusDetails);
    n.put("TraceOutput", "").put("StandardOutputUrl", "").put("StandardErrorUrl", "");
    ArrayNode plugins = n.putArray("CommandPlugins");
    if (details) {
      ObjectNode p = plugins.addObject();
      p.put("Name", pluginName(sc)).put("Status", inv.status.wire);
      p.put("StatusDetails", inv.statusDetails).put("ResponseCode", inv.responseCode);
      if (inv.startedAt != null) {
        p.put("ResponseStartDateTime", EcsApi.seconds(inv.startedAt));
      }
      if (inv.endedAt != null) {
        p.put("ResponseFinishDateTime", EcsApi.seconds(inv.endedAt));
      }
      p.put("Output", PluginOutput.of(inv.stdout, inv.stderr));
      p.put("StandardOutputUrl", "").put("StandardErrorUrl", "");
      p.put("OutputS3Region", SimulatedCluster.REGION);
      p.put("OutputS3BucketName", "").put("OutputS3KeyPrefix", "");
    }
    n.putObject("NotificationConfig").put("NotificationArn", "").putArray("NotificationEvents");
    n.putObject("CloudWatchOutputConfig")
        .put("CloudWatchLogGroupName", "")
        .put("CloudWatchOutputEnabled", false);
    return n;
  }

  /** AWS-RunShellScript's one plugin, or the step of the updater's document (its command). */
  private static String pluginName(SsmCommand sc) {
    return sc.documentName.equals(RUN_SHELL_SCRIPT)
        ? "aws:runShellScript"
        : sc.hostCommand.map(h -> h.name().toLowerCase(java.util.Locale.ROOT)).orElse("step");
  }

  private ObjectNode describe(SsmCommand sc) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("CommandId", sc.id)
        .put("DocumentName", sc.documentName)
        .put("DocumentVersion", "$DEFAULT")
        .put("Comment", sc.comment);
    n.put("ExpiresAfter", EcsApi.seconds(sc.requestedAt.plusSeconds(sc.timeoutSeconds)));
    ObjectNode params = n.putObject("Parameters");
    if (sc.documentName.equals(RUN_SHELL_SCRIPT)) {
      ArrayNode lines = params.putArray("commands");
      sc.lines.forEach(lines::add);
    }
    ArrayNode ids = n.putArray("InstanceIds");
    sc.invocations.forEach(i -> ids.add(i.instance.ec2InstanceId));
    n.put("RequestedDateTime", EcsApi.seconds(sc.requestedAt));
    String status = sc.overallStatus();
    n.put("Status", status).put("StatusDetails", status);
    n.put("MaxConcurrency", "50").put("MaxErrors", "0");
    n.put("TargetCount", sc.invocations.size())
        .put("CompletedCount", sc.completed())
        .put("ErrorCount", sc.errors())
        .put("DeliveryTimedOutCount", sc.deliveryTimedOut());
    n.put("TimeoutSeconds", sc.timeoutSeconds);
    return n;
  }

  private static String truncate(String s) {
    return s.length() <= MAX_OUTPUT ? s : s.substring(0, MAX_OUTPUT);
  }
}
