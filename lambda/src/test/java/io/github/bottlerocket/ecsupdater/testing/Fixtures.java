package io.github.bottlerocket.ecsupdater.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads test fixtures: apiclient outputs from the classpath and event samples from events/. */
public final class Fixtures {
  private Fixtures() {}

  /** An apiclient output from {@code src/test/resources/apiclient/}. */
  public static String apiclient(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/apiclient/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture apiclient/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The repository's {@code events/} folder, found from the module directory. */
  public static Path eventsDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("events");
      if (Files.isDirectory(candidate)
          && Files.exists(p.resolve("pom.xml"))
          && Files.isDirectory(p.resolve("lambda"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("events/ not found above " + here);
  }

  /** The repository root. */
  public static Path repoRoot() {
    return eventsDir().getParent();
  }
}
