package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SSM Parameter Store and Change Calendar operations: GetParameter, GetParameters (at most 10
 * names), PutParameter (String parameters of the account) and GetCalendarState, over the cluster's
 * {@link Parameters} and {@link Calendars}.
 */
final class SsmStoreApi {
  static final Set<String> OPERATIONS =
      Set.of("GetParameter", "GetParameters", "PutParameter", "GetCalendarState");

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.\\-/]{1,2048}");
  private static final int MAX_VALUE = 4096;

  private final SimulatedCluster c;

  SsmStoreApi(SimulatedCluster cluster) {
    this.c = cluster;
  }

  JsonNode handle(String operation, JsonNode r) {
    return switch (operation) {
      case "GetParameter" -> getParameter(r);
      case "GetParameters" -> getParameters(r);
      case "PutParameter" -> putParameter(r);
      case "GetCalendarState" -> getCalendarState(r);
      default -> throw AwsEndpoint.unknownOperation(SsmApi.PREFIX, operation);
    };
  }

  private JsonNode getParameter(JsonNode r) {
    String name =
        EcsApi.text(r, "Name")
            .orElseThrow(
                () ->
                    AwsError.validation(
                        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"));
    Parameters.Parameter p =
        lookup(name)
            .orElseThrow(
                () -> new AwsError(400, "ParameterNotFound", "Parameter " + name + " not found."));
    ObjectNode out = Wire.JSON.createObjectNode();
    out.set("Parameter", describe(p));
    return out;
  }

  private JsonNode getParameters(JsonNode r) {
    List<String> names = EcsApi.strings(r, "Names");
    if (names.isEmpty() || names.size() > 10) {
      throw AwsError.validation(
          "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10");
    }
    ObjectNode out = Wire.JSON.createObjectNode();
    ArrayNode found = out.putArray("Parameters");
    ArrayNode invalid = out.putArray("InvalidParameters");
    for (String name : names) {
      lookup(name).ifPresentOrElse(p -> found.add(describe(p)), () -> invalid.add(name));
    }
    return out;
  }

  private JsonNode putParameter(JsonNode r) {
    String name = EcsApi.text(r, "Name").orElse("");
    if (!NAME.matcher(name).matches()) {
      throw AwsError.validation(
          "Parameter name must be 1 to 2048 letters, numbers, or the symbols . - _ /: " + name);
    }
    String bare = name.startsWith("/") ? name.substring(1) : name;
    String lower = bare.toLowerCase(Locale.ROOT);
    if (lower.startsWith("aws") || lower.startsWith("ssm")) {
      throw AwsError.validation(
          "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).");
    }
    String type = EcsApi.text(r, "Type").orElse("String");
    if (!type.equals("String")) {
      throw AwsError.validation(
          "The simulated Parameter Store keeps String parameters only, got " + type + ".");
    }
    String value =
        EcsApi.text(r, "Value")
            .orElseThrow(
                () ->
                    AwsError.validation(
                        "1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null"));
    if (value.length() > MAX_VALUE) {
      throw AwsError.validation(
          "Standard tier parameters support a maximum parameter value of 4096 characters.");
    }
    if (c.parameters().exists(name) && !r.path("Overwrite").asBoolean(false)) {
      throw new AwsError(
          400,
          "ParameterAlreadyExists",
          "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
    }
    Parameters.Parameter p = c.parameters().put(name, value);
    return Wire.JSON.createObjectNode().put("Version", p.version()).put("Tier", "Standard");
  }

  private Optional<Parameters.Parameter> lookup(String name) {
    if (name.contains(":")) {
      throw AwsError.validation(
          "The simulated Parameter Store does not resolve versions or labels: " + name);
    }
    return c.parameters().get(name);
  }

  private static ObjectNode describe(Parameters.Parameter p) {
    ObjectNode n = Wire.JSON.createObjectNode();
    n.put("Name", p.name()).put("Type", p.type()).put("Value", p.value());
    n.put("Version", p.version());
    n.put("LastModifiedDate", EcsApi.seconds(p.lastModified()));
    n.put("ARN", p.arn()).put("DataType", p.dataType());
    return n;
  }

  private JsonNode getCalendarState(JsonNode r) {
    List<String> refs = EcsApi.strings(r, "CalendarNames");
    if (refs.isEmpty()) {
      throw AwsError.validation(
          "1 validation error detected: Value null at 'calendarNames' failed to satisfy constraint: Member must not be null");
    }
    List<String> names = new ArrayList<>();
    for (String ref : refs) {
      String name = ref.startsWith("arn:") ? ref.substring(ref.lastIndexOf('/') + 1) : ref;
      if (!c.calendars().exists(name)) {
        if (isCommandDocument(name)) {
          throw new AwsError(
              400,
              "InvalidDocumentType",
              "The document " + name + " is not of type ChangeCalendar.");
        }
        throw new AwsError(
            400, "InvalidDocument", "Document with name " + name + " does not exist.");
      }
      names.add(name);
    }
    Instant at = c.clock().instant();
    Optional<String> atTime = EcsApi.text(r, "AtTime");
    if (atTime.isPresent()) {
      try {
        at = OffsetDateTime.parse(atTime.get()).toInstant();
      } catch (DateTimeParseException e) {
        throw AwsError.validation("AtTime must be an ISO 8601 time: " + atTime.get());
      }
    }
    ObjectNode out = Wire.JSON.createObjectNode();
    out.put("State", c.calendars().combined(names, at).name());
    out.put("AtTime", atTime.orElse(at.toString()));
    c.calendars()
        .nextTransition(names, at)
        .ifPresent(t -> out.put("NextTransitionTime", t.toString()));
    return out;
  }

  private boolean isCommandDocument(String name) {
    if (name.equals(SsmApi.RUN_SHELL_SCRIPT)) {
      return true;
    }
    for (HostCommand h : HostCommand.values()) {
      if (c.ssmDocumentPrefix.isPresent()
          && h.documentName(c.ssmDocumentPrefix.get()).equals(name)) {
        return true;
      }
    }
    return false;
  }
}
