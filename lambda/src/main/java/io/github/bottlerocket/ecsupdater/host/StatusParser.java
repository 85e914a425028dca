package io.github.bottlerocket.ecsupdater.host;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Bottlerocket's update status document from a command's standard output.
 *
 * <p>Both shapes are accepted: {@code apiclient update check} prints it pretty with sorted keys,
 * {@code apiclient raw} compact in struct order. Key order is never relied on. Unknown fields and
 * nulls are fine; {@code update_state} and {@code active_partition.image.version} are required.
 * Only the first JSON value is read, so a command that prints the status and then something else
 * still parses.
 */
public final class StatusParser {

  /** The outcome of parsing: a status, or the reason there is none. */
  public sealed interface Result {
    record Parsed(UpdateStatus status) implements Result {}

    record Unparseable(HostError error) implements Result {}
  }

  private static final ObjectMapper MAPPER = Json.MAPPER;

  private StatusParser() {}

  public static Result parse(String stdout) {
    if (stdout == null || stdout.isBlank()) {
      return unparseable("the command printed nothing on standard output");
    }
    JsonNode root;
    try (JsonParser parser = MAPPER.createParser(stdout)) {
      root = parser.readValueAsTree();
    } catch (JsonProcessingException e) {
      return unparseable("standard output is not JSON: " + preview(stdout));
    } catch (IOException e) {
      return unparseable("standard output could not be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return unparseable("standard output is not a JSON object: " + preview(stdout));
    }
    JsonNode stateNode = root.path("update_state");
    if (!stateNode.isTextual()) {
      return unparseable("the status has no update_state: " + preview(stdout));
    }
    Optional<UpdateState> state = UpdateState.fromWire(stateNode.asText());
    if (state.isEmpty()) {
      return unparseable("unknown update_state '" + stateNode.asText() + "'");
    }
    Optional<String> active = version(root.path("active_partition"));
    if (active.isEmpty()) {
      return unparseable("the status has no active_partition.image.version");
    }
    JsonNode staging = root.path("staging_partition");
    Optional<String> staged = version(staging);
    boolean stagedNextToBoot = staged.isPresent() && staging.path("next_to_boot").asBoolean(false);
    return new Result.Parsed(
        new UpdateStatus(
            state.get(),
            active.get(),
            text(root.path("chosen_update").path("version")),
            staged,
            stagedNextToBoot,
            lastCommand(root.path("most_recent_command")),
            versions(root.path("available_updates"))));
  }

  private static Optional<String> version(JsonNode partition) {
    return text(partition.path("image").path("version"));
  }

  private static Optional<UpdateStatus.LastCommand> lastCommand(JsonNode node) {
    if (!node.isObject()) {
      return Optional.empty();
    }
    return Optional.of(
        new UpdateStatus.LastCommand(
            text(node.path("cmd_type")).orElse(""),
            text(node.path("cmd_status")).orElse(""),
            text(node.path("timestamp")).orElse(""),
            text(node.path("stderr")).orElse("")));
  }

  private static List<String> versions(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> text(v).ifPresent(out::add));
    }
    return out;
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank()
        ? Optional.of(node.asText().strip())
        : Optional.empty();
  }

  private static Result unparseable(String detail) {
    return new Result.Unparseable(HostError.of(HostError.Kind.UNPARSEABLE, detail));
  }

  private static String preview(String text) {
    String flat = HostError.clean(text);
    return flat.length() <= 80 ? "'" + flat + "'" : "'" + flat.substring(0, 77) + "...'";
  }
}
