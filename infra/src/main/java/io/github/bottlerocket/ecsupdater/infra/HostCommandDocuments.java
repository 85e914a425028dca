package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.services.ssm.CfnDocument;
import software.constructs.Construct;

/**
 * One SSM Command document per {@link HostCommand}: its fixed lines in one {@code
 * aws:runShellScript} step, no parameters, Linux EC2 instances only. These are the only commands
 * the function can run on hosts.
 */
final class HostCommandDocuments {
  /** Seconds a host command may run before SSM stops it; every command returns within seconds. */
  static final String COMMAND_TIMEOUT_SECONDS = "300";

  private HostCommandDocuments() {}

  /** Creates the documents in {@code scope}, named {@code <prefix><suffix>}. */
  static Map<HostCommand, CfnDocument> create(Construct scope, String prefix) {
    Map<HostCommand, CfnDocument> docs = new EnumMap<>(HostCommand.class);
    for (HostCommand command : HostCommand.values()) {
      docs.put(
          command,
          CfnDocument.Builder.create(scope, command.documentSuffix() + "Document")
              .name(command.documentName(prefix))
              .documentType("Command")
              .documentFormat("JSON")
              .targetType("/AWS::EC2::Instance")
              // With the explicit name, "Replace" could not update a changed document; a new
              // version becomes the default version that SendCommand runs.
              .updateMethod("NewVersion")
              .content(content(command))
              .build());
    }
    return Collections.unmodifiableMap(docs);
  }

  private static Map<String, Object> content(HostCommand command) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("timeoutSeconds", COMMAND_TIMEOUT_SECONDS);
    inputs.put("runCommand", command.lines());
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("action", "aws:runShellScript");
    step.put("name", command.name().toLowerCase(Locale.ROOT));
    step.put("precondition", Map.of("StringEquals", List.of("platformType", "Linux")));
    step.put("inputs", inputs);
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("schemaVersion", "2.2");
    content.put(
        "description",
        "Bottlerocket ECS updater, command "
            + command.documentSuffix()
            + ": fixed apiclient lines, no parameters.");
    content.put("mainSteps", List.of(step));
    return content;
  }
}
