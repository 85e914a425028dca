package io.github.bottlerocket.ecsupdater.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.engine.FailureReason;
import io.github.bottlerocket.ecsupdater.engine.Lifecycle;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.engine.Phase;
import io.github.bottlerocket.ecsupdater.engine.Reason;
import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README and docs/ say what the code does. */
class DocumentationTest {
  private static final Path ROOT = Fixtures.repoRoot();

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path));
  }

  @Test
  void theConfigurationTableListsEverySettingWithItsDefaultAndMeaning() throws IOException {
    String readme = read("README.md");
    String table =
        readme.substring(
            readme.indexOf("<!-- settings:start -->"), readme.indexOf("<!-- settings:end -->"));
    List<String> rows = table.lines().filter(l -> l.startsWith("| `")).toList();

    List<String> expected = new ArrayList<>();
    for (Setting s : Setting.values()) {
      String def = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
      expected.add("| `" + s.key() + "` | " + def + " | " + s.description() + " |");
    }
    assertThat(rows).containsExactlyElementsOf(expected);
  }

  @Test
  void theStateDiagramDrawsExactlyTheTransitionsTheEngineCanMake() throws IOException {
    String readme = read("README.md");
    String diagram =
        readme.substring(
            readme.indexOf("```mermaid"), readme.indexOf("```", readme.indexOf("```mermaid") + 3));
    Matcher arrow = Pattern.compile("(?m)^\\s*(\\w+) --> (\\w+):").matcher(diagram);
    Set<String> drawn = new TreeSet<>();
    while (arrow.find()) {
      drawn.add(arrow.group(1) + " -> " + arrow.group(2));
    }
    Set<String> possible = new TreeSet<>();
    for (Lifecycle.Arrow a : Lifecycle.ARROWS) {
      possible.add(
          a.from().map(Phase::name).orElse("Idle")
              + " -> "
              + a.to().map(Phase::name).orElse("Idle"));
    }

    assertThat(drawn).isEqualTo(possible);
  }

  @Test
  void everySkipAndFailureReasonIsExplainedInTheReadme() throws IOException {
    String readme = read("README.md");

    for (Reason r : Reason.values()) {
      assertThat(readme).as("README row for %s", r).contains("| `" + r.name() + "` |");
    }
    for (FailureReason r : FailureReason.values()) {
      assertThat(readme).as("README row for %s", r).contains("| `" + r.name() + "` |");
    }
  }

  @Test
  void everyStopReasonIsExplainedInTheReadmeAndTheEventSchema() throws IOException {
    String readme = read("README.md");
    String events = read("docs/events.md");

    for (PassReport.StopReason r : PassReport.StopReason.values()) {
      assertThat(readme).as("README row for %s", r).contains("| `" + r.name() + "` |");
      assertThat(events).as("events.md names %s", r).contains("`" + r.name() + "`");
    }
  }

  @Test
  void everyFailureReasonIsInTheEventSchema() throws IOException {
    String events = read("docs/events.md");

    for (FailureReason r : FailureReason.values()) {
      assertThat(events).contains("`" + r.name() + "`");
    }
  }

  @Test
  void everyRelativeLinkPointsToAFileThatExists() throws IOException {
    Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
    }
    for (Path doc : docs) {
      Matcher m = link.matcher(Files.readString(doc));
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("http://") || target.startsWith("https://")) {
          continue;
        }
        assertThat(doc.getParent().resolve(target).normalize())
            .as("link %s in %s", target, ROOT.relativize(doc))
            .exists();
      }
    }
  }
}
