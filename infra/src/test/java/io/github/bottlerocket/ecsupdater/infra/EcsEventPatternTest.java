package io.github.bottlerocket.ecsupdater.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Machine;

/**
 * The ECS event rule's pattern, as synthesized, matched by Event Ruler (EventBridge's own matching
 * library) against the sample event in {@code events/} and against events it must not match.
 */
class EcsEventPatternTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
  private static Machine machine;
  private static ObjectNode sample;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void synthesize() throws Exception {
    Stack stack =
        new Stack(
            Fixtures.app(),
            "PatternTest",
            StackProps.builder()
                .env(Environment.builder().account("123456789012").region("us-east-1").build())
                .build());
    new BottlerocketEcsUpdater(
        stack,
        "Updater",
        BottlerocketEcsUpdaterProps.builder()
            .clusterArns(List.of(CLUSTER))
            .code(Fixtures.stubCode())
            .build());
    Map<String, Object> rule =
        Template.fromStack(stack).findResources("AWS::Events::Rule").values().stream()
            .map(r -> (Map<String, Object>) r.get("Properties"))
            .filter(p -> p.containsKey("EventPattern"))
            .findFirst()
            .orElseThrow();
    machine = Machine.builder().build();
    machine.addRule("ecs", JSON.writeValueAsString(rule.get("EventPattern")));
    sample =
        (ObjectNode)
            JSON.readTree(
                Files.readString(
                    Fixtures.repoRoot()
                        .resolve("events/ecs-container-instance-state-change.json")));
  }

  private static boolean matches(ObjectNode event) throws Exception {
    return machine.rulesForJSONEvent(JSON.writeValueAsString(event)).contains("ecs");
  }

  @Test
  void theSampleEventOfAnInstanceBeingUpdatedMatches() throws Exception {
    assertThat(matches(sample)).isTrue();
  }

  static Stream<Arguments> eventsThatMustNotMatch() {
    return Stream.of(
        change("an instance of another cluster", e -> detail(e).put("clusterArn", CLUSTER + "-2")),
        change("an instance without the updater's state attribute", e -> attributes(e).remove(2)),
        change(
            "the attribute's name only as a value",
            e -> {
              ObjectNode state = (ObjectNode) attributes(e).get(2);
              state.put("value", state.get("name").asText());
              state.put("name", "team");
            }),
        change(
            "the updater's failure attribute", e -> rename(e, "bottlerocket-ecs-updater.failure")),
        change(
            "an ACTIVE instance (queued, downloading or staged: the updater's own writes)",
            e -> detail(e).put("status", "ACTIVE")),
        change("a task state change", e -> e.put("detail-type", "ECS Task State Change")),
        change("another source", e -> e.put("source", "custom.ecs")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventsThatMustNotMatch")
  void anEventThatConcernsNoUpdateDoesNotMatch(String name, Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode event = sample.deepCopy();
    change.accept(event);

    assertThat(matches(event)).isFalse();
  }

  private static Arguments change(String name, Consumer<ObjectNode> change) {
    return Arguments.of(name, change);
  }

  private static ObjectNode detail(ObjectNode event) {
    return (ObjectNode) event.get("detail");
  }

  private static ArrayNode attributes(ObjectNode event) {
    return (ArrayNode) detail(event).get("attributes");
  }

  private static void rename(ObjectNode event, String name) {
    ((ObjectNode) attributes(event).get(2)).put("name", name);
  }
}
