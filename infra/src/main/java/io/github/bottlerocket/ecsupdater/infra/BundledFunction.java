package io.github.bottlerocket.ecsupdater.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The function jar that the build puts inside this library's jar, so that depending on the library
 * is enough to deploy the function. The CDK uploads assets from files, so the jar is copied once to
 * a directory named after its SHA-256 under the temporary directory; the asset's hash is that of
 * the content, the same on every machine.
 */
final class BundledFunction {
  /** Where the build puts the function jar inside this library's jar. */
  static final String RESOURCE =
      "/io/github/bottlerocket/ecsupdater/infra/bottlerocket-ecs-updater.jar";

  private BundledFunction() {}

  /**
   * The bundled jar as an asset.
   *
   * @throws IllegalStateException when this library was built without it
   */
  static Code code() {
    return Code.fromAsset(extract().toString());
  }

  static Path extract() {
    try (InputStream in = BundledFunction.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "code: the function jar is not bundled in this build of the construct library (no "
                + RESOURCE
                + " on the classpath); build with ./mvnw -pl infra -am package, or pass"
                + " code(Code.fromAsset(\"<path to bottlerocket-ecs-updater.jar>\"))");
      }
      Path tmp = Files.createTempFile("bottlerocket-ecs-updater", ".jar");
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (DigestInputStream digesting = new DigestInputStream(in, sha)) {
        Files.copy(digesting, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      String hash = HexFormat.of().formatHex(sha.digest());
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "bottlerocket-ecs-updater-" + hash);
      Path jar = dir.resolve("bottlerocket-ecs-updater.jar");
      Files.createDirectories(dir);
      if (Files.isRegularFile(jar) && Files.size(jar) == Files.size(tmp)) {
        Files.delete(tmp);
      } else {
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("code: cannot extract the bundled function jar", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
