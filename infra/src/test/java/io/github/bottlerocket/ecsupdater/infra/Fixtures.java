package io.github.bottlerocket.ecsupdater.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;

/** Stacks and template helpers shared by the infrastructure tests. */
final class Fixtures {
  static final String ACCOUNT = "111122223333";
  static final String REGION = "eu-west-1";
  static final String CLUSTER = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/prod";
  static final String OTHER_CLUSTER = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/batch";
  static final String STACK_NAME = "UpdaterTest";

  private Fixtures() {}

  /** The repository root: the nearest directory above the working directory with events/. */
  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("events")) && Files.isRegularFile(p.resolve("README.md"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  /** The context block of infra/cdk.json: the feature flags and any deploy keys kept there. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> cdkJsonContext() {
    try {
      Map<String, Object> cdkJson =
          new ObjectMapper().readValue(repoRoot().resolve("infra/cdk.json").toFile(), Map.class);
      return (Map<String, Object>) cdkJson.get("context");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The context of infra/cdk.json with {@code overrides} on top, as {@code cdk -c} gives them. */
  static Map<String, Object> withCdkJson(Map<String, ?> overrides) {
    Map<String, Object> all = new LinkedHashMap<>(cdkJsonContext());
    all.putAll(overrides);
    return all;
  }

  /** An app with the context of infra/cdk.json, as the CDK CLI starts it. */
  static App app() {
    return App.Builder.create().context(cdkJsonContext()).build();
  }

  /** A stack with a known account and region, as the app makes it. */
  static Stack stack() {
    return new Stack(
        app(),
        STACK_NAME,
        StackProps.builder()
            .env(Environment.builder().account(ACCOUNT).region(REGION).build())
            .build());
  }

  /** A stack that learns its account and region only at deploy time. */
  static Stack environmentAgnosticStack() {
    return new Stack(app(), STACK_NAME);
  }

  /** A small asset instead of the 19 MB function jar: the tests only need something to hash. */
  static Code stubCode() {
    return Code.fromAsset("src/test/resources/function-stub");
  }

  /** Props for one cluster with the stub code; the operator lets everything else default. */
  static BottlerocketEcsUpdaterProps.Builder props() {
    return BottlerocketEcsUpdaterProps.builder().clusterArns(List.of(CLUSTER)).code(stubCode());
  }

  static BottlerocketEcsUpdater updater(
      Stack stack, UnaryOperator<BottlerocketEcsUpdaterProps.Builder> change) {
    return new BottlerocketEcsUpdater(stack, "Updater", change.apply(props()).build());
  }

  static Template template(UnaryOperator<BottlerocketEcsUpdaterProps.Builder> change) {
    Stack stack = stack();
    updater(stack, change);
    return Template.fromStack(stack);
  }

  /** The properties of the only resource of a type. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> onlyProperties(Template template, String type) {
    Map<String, Map<String, Object>> found = template.findResources(type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type + ", found " + found.size());
    }
    return (Map<String, Object>) found.values().iterator().next().get("Properties");
  }

  /**
   * The logical id of the only resource of a type, to compare references without hard-coding it.
   */
  static String onlyLogicalId(Template template, String type) {
    Map<String, Map<String, Object>> found = template.findResources(type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type + ", found " + found.size());
    }
    return found.keySet().iterator().next();
  }

  /** The logical id of the one resource of {@code type} whose id contains {@code part}. */
  static String onlyLogicalId(Template template, String type, String part) {
    List<String> found =
        template.findResources(type).keySet().stream().filter(id -> id.contains(part)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type + " named *" + part + "*, found " + found);
    }
    return found.get(0);
  }

  /** The statements of the function role's policy, keyed by Sid, with ARNs flattened to text. */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> statements(Template template) {
    Map<String, Object> policy = onlyProperties(template, "AWS::IAM::Policy");
    List<Object> statements =
        (List<Object>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement");
    Map<String, Map<String, Object>> bySid = new LinkedHashMap<>();
    for (Object s : statements) {
      Map<String, Object> statement = (Map<String, Object>) flatten(s);
      bySid.put((String) statement.get("Sid"), statement);
    }
    return bySid;
  }

  /** A value that may be a single item or a list, as a list. */
  @SuppressWarnings("unchecked")
  static List<Object> asList(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of(value);
  }

  /**
   * Replaces {@code Fn::Join} with the joined text and {@code Ref}/{@code Fn::GetAtt} with {@code
   * ${...}} placeholders, so that ARNs read as text in assertions.
   */
  @SuppressWarnings("unchecked")
  static Object flatten(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1 && map.containsKey("Fn::Join")) {
        List<Object> join = (List<Object>) map.get("Fn::Join");
        StringBuilder sb = new StringBuilder();
        List<Object> parts = (List<Object>) join.get(1);
        for (int i = 0; i < parts.size(); i++) {
          if (i > 0) {
            sb.append(join.get(0));
          }
          sb.append(flatten(parts.get(i)));
        }
        return sb.toString();
      }
      if (map.size() == 1 && map.containsKey("Ref")) {
        return "${" + map.get("Ref") + "}";
      }
      if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
        List<Object> att = (List<Object>) map.get("Fn::GetAtt");
        return "${" + att.get(0) + "." + att.get(1) + "}";
      }
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, flatten(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(flatten(v)));
      return out;
    }
    return value;
  }
}
