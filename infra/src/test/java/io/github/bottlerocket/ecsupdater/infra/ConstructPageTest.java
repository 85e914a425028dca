package io.github.bottlerocket.ecsupdater.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.platform.PlatformApp;
import io.github.bottlerocket.ecsupdater.config.Setting;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** docs/construct.md: its example is real and compiles, and its props table is the builder's. */
class ConstructPageTest {
  private static final Path PAGE = Fixtures.repoRoot().resolve("docs/construct.md");
  private static final Path EXAMPLE =
      Fixtures.repoRoot().resolve("infra/src/test/java/com/example/platform/PlatformApp.java");

  private static String section(String name) throws IOException {
    String page = Files.readString(PAGE);
    return page.substring(
        page.indexOf("<!-- " + name + ":start -->"), page.indexOf("<!-- " + name + ":end -->"));
  }

  @Test
  void thePageShowsTheExampleAsItIs() throws IOException {
    assertThat(section("example")).contains("```java\n" + Files.readString(EXAMPLE) + "```");
  }

  /** The example as a user's app runs it: with the bundled function jar, in a plain App. */
  @Test
  void theExampleSynthesizesWithTheBundledFunction(@TempDir Path out) {
    App app = App.Builder.create().outdir(out.toString()).build();
    PlatformApp.PlatformStack stack =
        new PlatformApp.PlatformStack(
            app,
            "Platform",
            StackProps.builder()
                .env(Environment.builder().account("111122223333").region("eu-west-1").build())
                .build());
    Template template = Template.fromStack(stack);
    app.synth();

    template.resourceCountIs("AWS::Lambda::Function", 1);
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            BottlerocketEcsUpdater.HANDLER,
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(
                    Map.of(
                        "MAX_CONCURRENT", "2",
                        "DRAIN_TIMEOUT", "45m",
                        "MAINTENANCE_TIMEZONE", "Europe/Berlin")))));
    Annotations.fromStack(stack).hasNoError("*", Match.anyValue());
    assertThat(stack.getUpdater().getClusterArns())
        .containsExactly("arn:aws:ecs:eu-west-1:111122223333:cluster/prod");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("asset.") && n.endsWith(".jar"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void thePropsTableListsEveryBuilderMethodWithItsType() throws IOException {
    Map<String, String> expected = new LinkedHashMap<>();
    List<Method> methods = new ArrayList<>();
    methods.addAll(Arrays.asList(BottlerocketEcsUpdaterProps.Builder.class.getDeclaredMethods()));
    methods.addAll(Arrays.asList(FunctionSettingProps.class.getDeclaredMethods()));
    for (Method m : methods) {
      if (Modifier.isPublic(m.getModifiers()) && !m.isBridge() && !m.getName().equals("build")) {
        expected.put(
            m.getName(),
            Arrays.stream(m.getGenericParameterTypes())
                .map(t -> t.getTypeName().replaceAll("\\b[a-z][a-z0-9_]*\\.", ""))
                .collect(Collectors.joining(", ")));
      }
    }
    Map<String, String> documented = new LinkedHashMap<>();
    for (List<String> row : rows()) {
      documented.put(strip(row.get(0)), strip(row.get(1)));
    }

    assertThat(documented).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void aFunctionSettingsRowHasTheSettingsDefaultAndMeaning() throws IOException {
    Map<String, List<String>> byName =
        rows().stream().collect(Collectors.toMap(r -> strip(r.get(0)), r -> r));
    for (Setting s : Setting.values()) {
      if (!FunctionSettings.isPlain(s)) {
        continue;
      }
      List<String> row = byName.get(FunctionSettings.prop(s));
      String def = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
      assertThat(row).as(s.key()).isNotNull();
      assertThat(row.get(2)).as(s.key()).isEqualTo(def);
      assertThat(row.get(3)).as(s.key()).isEqualTo("`" + s.key() + "`: " + s.description());
    }
  }

  @Test
  void theDefaultsInTheTableAreTheProps() throws IOException {
    Map<String, List<String>> byName =
        rows().stream().collect(Collectors.toMap(r -> strip(r.get(0)), r -> r));

    assertThat(byName.get("schedule").get(2))
        .isEqualTo("`" + BottlerocketEcsUpdaterProps.DEFAULT_SCHEDULE + "`");
    assertThat(byName.get("memorySize").get(2))
        .isEqualTo("`" + BottlerocketEcsUpdaterProps.DEFAULT_MEMORY_SIZE + "`");
    assertThat(byName.get("logRetention").get(2))
        .isEqualTo("`" + BottlerocketEcsUpdaterProps.DEFAULT_LOG_RETENTION.name() + "`");
    assertThat(byName.get("logRemovalPolicy").get(2))
        .isEqualTo("`" + BottlerocketEcsUpdaterProps.DEFAULT_LOG_REMOVAL_POLICY.name() + "`");
    assertThat(byName.get("controlParameterName").get(2))
        .isEqualTo("`" + BottlerocketEcsUpdater.CONTROL_PARAMETER_PREFIX + "<stack name>/control`");
  }

  private static List<List<String>> rows() throws IOException {
    return section("props")
        .lines()
        .filter(l -> l.startsWith("| `"))
        .map(l -> Arrays.stream(l.substring(2, l.length() - 2).split(" \\| ")).toList())
        .toList();
  }

  private static String strip(String cell) {
    return cell.replaceAll("^`|`$", "");
  }
}
