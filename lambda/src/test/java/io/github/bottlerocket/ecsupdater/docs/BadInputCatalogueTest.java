package io.github.bottlerocket.ecsupdater.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/bad-input.md names only tests that exist, lists their classes, and has a row per setting.
 */
class BadInputCatalogueTest {
  private static final Path ROOT = Fixtures.repoRoot();
  private static final Pattern TEST_REFERENCE =
      Pattern.compile("`([A-Z][A-Za-z0-9]*)#([a-z][A-Za-z0-9]*)`");

  private static String catalogue() throws IOException {
    return Files.readString(ROOT.resolve("docs/bad-input.md"));
  }

  private static Set<String[]> references() throws IOException {
    Set<String[]> out = new LinkedHashSet<>();
    Matcher m = TEST_REFERENCE.matcher(catalogue());
    while (m.find()) {
      out.add(new String[] {m.group(1), m.group(2)});
    }
    return out;
  }

  /**
   * The test sources of every module, e.g. {@code lambda/src/test/java/.../BadRequestTest.java}.
   */
  private static List<Path> testSources(String className) throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(p -> p.getFileName().toString().equals(className + ".java"))
          .filter(p -> ROOT.relativize(p).toString().contains("src/test/java/"))
          .toList();
    }
  }

  @Test
  void everyTestItNamesExists() throws IOException {
    Set<String[]> references = references();
    assertThat(references).hasSizeGreaterThan(20);

    for (String[] r : references) {
      List<Path> sources = testSources(r[0]);
      assertThat(sources).as("test class %s", r[0]).hasSize(1);
      assertThat(Files.readString(sources.get(0)))
          .as("%s#%s", r[0], r[1])
          .contains("void " + r[1] + "(");
    }
  }

  @Test
  void everyTestClassItNamesIsListedWithItsFile() throws IOException {
    String doc = catalogue();
    String listing = doc.substring(doc.indexOf("## The tests"));

    for (String[] r : references()) {
      assertThat(listing).as("row for %s under 'The tests'", r[0]).contains("| `" + r[0] + "` |");
    }
  }

  @Test
  void everySettingHasARow() throws IOException {
    String doc = catalogue();
    String configuration =
        doc.substring(doc.indexOf("## Configuration"), doc.indexOf("## What the hosts answer"));

    for (Setting s : Setting.values()) {
      assertThat(configuration).as("row for %s", s).contains("| `" + s.key() + "` |");
    }
  }
}
