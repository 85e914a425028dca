package io.github.bottlerocket.ecsupdater.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When the emulator suites run, skip or fail, and what they say. */
class SuiteGateTest {
  private static final Optional<Path> FOUND = Optional.of(Path.of("/usr/local/bin/moto_server"));

  static Stream<Arguments> motoCases() {
    String skip =
        "moto_server not found on the PATH, so the moto suite is skipped. To run it, install it with "
            + "pip install \"moto[server]\"; .ci/run sets REQUIRE_MOTO=true, which makes it required.";
    String fail =
        "REQUIRE_MOTO=true but moto_server is not on the PATH. Install it with pip install \"moto[server]\", "
            + "or set REQUIRE_MOTO=false to skip the moto suite.";
    return Stream.of(
        Arguments.of("installed, not required", FOUND, null, new SuiteGate.Run()),
        Arguments.of("installed and required", FOUND, "true", new SuiteGate.Run()),
        Arguments.of("missing, not required", Optional.empty(), null, new SuiteGate.Skip(skip)),
        Arguments.of(
            "missing, REQUIRE_MOTO=false", Optional.empty(), "false", new SuiteGate.Skip(skip)),
        Arguments.of(
            "missing, REQUIRE_MOTO=true", Optional.empty(), "true", new SuiteGate.Fail(fail)),
        Arguments.of(
            "missing, REQUIRE_MOTO=TRUE", Optional.empty(), " TRUE ", new SuiteGate.Fail(fail)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("motoCases")
  void theMotoSuiteRunsSkipsOrFails(
      String name, Optional<Path> moto, String require, SuiteGate expected) {
    assertThat(SuiteGate.moto(moto, require)).isEqualTo(expected);
  }

  static Stream<Arguments> localStackCases() {
    String tail =
        ". To run it: install a Docker engine that the user running Maven can reach (`docker info`"
            + " works, or DOCKER_HOST points at one), and set LOCALSTACK_AUTH_TOKEN to a LocalStack"
            + " auth token whose plan includes ECS and EC2 (the suite starts"
            + " localstack/localstack-pro:4.5; -Dlocalstack.image=<image> starts another).";
    return Stream.of(
        Arguments.of("token and Docker", "ls-token", true, new SuiteGate.Run()),
        Arguments.of(
            "no token",
            null,
            true,
            new SuiteGate.Skip(
                "LocalStack suite skipped: LOCALSTACK_AUTH_TOKEN is not set" + tail)),
        Arguments.of(
            "blank token",
            " ",
            true,
            new SuiteGate.Skip(
                "LocalStack suite skipped: LOCALSTACK_AUTH_TOKEN is not set" + tail)),
        Arguments.of(
            "no Docker",
            "ls-token",
            false,
            new SuiteGate.Skip("LocalStack suite skipped: no Docker engine is reachable" + tail)),
        Arguments.of(
            "neither",
            null,
            false,
            new SuiteGate.Skip(
                "LocalStack suite skipped: LOCALSTACK_AUTH_TOKEN is not set and no Docker engine is reachable"
                    + tail)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("localStackCases")
  void theLocalStackSuiteRunsOnlyWithDockerAndAToken(
      String name, String token, boolean docker, SuiteGate expected) {
    assertThat(SuiteGate.localStack(token, docker)).isEqualTo(expected);
  }
}
