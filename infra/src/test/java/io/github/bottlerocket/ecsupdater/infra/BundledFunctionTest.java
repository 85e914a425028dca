package io.github.bottlerocket.ecsupdater.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The function jar inside the library: extracted once, by content, and a real function jar. */
class BundledFunctionTest {

  @Test
  void theLibraryCarriesTheFunctionJarWithItsHandler() throws IOException {
    Path jar = BundledFunction.extract();

    try (JarFile file = new JarFile(jar.toFile())) {
      String handler =
          BottlerocketEcsUpdater.HANDLER.substring(0, BottlerocketEcsUpdater.HANDLER.indexOf("::"));
      assertThat(file.getEntry(handler.replace('.', '/') + ".class")).isNotNull();
    }
  }

  @Test
  void theJarIsExtractedToADirectoryNamedAfterItsContent() throws IOException {
    Path first = BundledFunction.extract();
    Path second = BundledFunction.extract();

    assertThat(second).isEqualTo(first);
    assertThat(first.getParent().getFileName().toString())
        .matches("bottlerocket-ecs-updater-[0-9a-f]{64}");
    try (InputStream in = BundledFunction.class.getResourceAsStream(BundledFunction.RESOURCE)) {
      assertThat(Files.readAllBytes(first)).isEqualTo(in.readAllBytes());
    }
  }
}
