package io.github.bottlerocket.ecsupdater.emulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether an emulator suite runs, is skipped, or fails for want of its emulator. Every skip and
 * failure says what is missing and how to get it.
 */
sealed interface SuiteGate {

  /** The suite runs. */
  record Run() implements SuiteGate {}

  /** The suite is skipped; the message says why and how to enable it. */
  record Skip(String message) implements SuiteGate {}

  /** The suite was required but cannot run; the message says what is missing. */
  record Fail(String message) implements SuiteGate {}

  /** The variable {@code .ci/run} sets so that a missing {@code moto_server} fails the build. */
  String REQUIRE_MOTO = "REQUIRE_MOTO";

  /** The variable that carries the LocalStack auth token into the container. */
  String LOCALSTACK_AUTH_TOKEN = "LOCALSTACK_AUTH_TOKEN";

  /**
   * The moto suite runs where {@code moto_server} is on the PATH. Elsewhere it is skipped, unless
   * {@code REQUIRE_MOTO=true} (as in {@code .ci/run}) makes its absence a failure.
   *
   * @param motoServer {@code moto_server} as found on the PATH
   * @param requireMoto the value of {@code REQUIRE_MOTO}, or null when unset
   */
  static SuiteGate moto(Optional<Path> motoServer, String requireMoto) {
    if (motoServer.isPresent()) {
      return new Run();
    }
    boolean required =
        requireMoto != null && requireMoto.strip().toLowerCase(Locale.ROOT).equals("true");
    if (required) {
      return new Fail(
          REQUIRE_MOTO
              + "=true but "
              + MotoServer.EXECUTABLE
              + " is not on the PATH. Install it with "
              + "pip install \"moto[server]\", or set "
              + REQUIRE_MOTO
              + "=false to skip the moto suite.");
    }
    return new Skip(
        MotoServer.EXECUTABLE
            + " not found on the PATH, so the moto suite is skipped. To run it, install it with "
            + "pip install \"moto[server]\"; .ci/run sets "
            + REQUIRE_MOTO
            + "=true, which makes it required.");
  }

  /**
   * The LocalStack suite runs only where a Docker engine answers and a LocalStack auth token is set
   * (the image needs one; ECS and SSM Run Command are not in its free tier).
   *
   * @param authToken the value of {@code LOCALSTACK_AUTH_TOKEN}, or null when unset
   * @param dockerAvailable whether Testcontainers reaches a Docker engine
   */
  static SuiteGate localStack(String authToken, boolean dockerAvailable) {
    List<String> missing = new ArrayList<>();
    if (authToken == null || authToken.isBlank()) {
      missing.add(LOCALSTACK_AUTH_TOKEN + " is not set");
    }
    if (!dockerAvailable) {
      missing.add("no Docker engine is reachable");
    }
    if (missing.isEmpty()) {
      return new Run();
    }
    return new Skip(
        "LocalStack suite skipped: "
            + String.join(" and ", missing)
            + ". To run it: install a Docker engine that the user running Maven can reach"
            + " (`docker info` works, or DOCKER_HOST points at one), and set "
            + LOCALSTACK_AUTH_TOKEN
            + " to a LocalStack auth token whose plan includes ECS and EC2 (the suite starts "
            + LocalStackSuiteTest.IMAGE
            + "; -Dlocalstack.image=<image> starts another).");
  }
}
