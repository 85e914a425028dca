package io.github.bottlerocket.ecsupdater.emulator;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The emulator scenarios against a real {@code moto_server}, started on a free loopback port for
 * this class and stopped after it. Required by {@code .ci/run} ({@code REQUIRE_MOTO=true});
 * elsewhere skipped, with a message, where {@code moto_server} is not installed.
 */
@ExtendWith(MotoSuiteTest.WhenMotoServerIsInstalled.class)
class MotoSuiteTest extends EmulatorScenarios {
  private MotoServer moto;

  /** Skips the suite where {@code moto_server} is missing, unless it is required. */
  static final class WhenMotoServerIsInstalled extends SkipUnlessAvailable {
    @Override
    protected SuiteGate gate() {
      return SuiteGate.moto(
          MotoServer.findOnPath(System.getenv("PATH")), System.getenv(SuiteGate.REQUIRE_MOTO));
    }
  }

  @BeforeAll
  void startMoto() throws IOException {
    switch (new WhenMotoServerIsInstalled().gate()) {
      case SuiteGate.Run run ->
          moto =
              MotoServer.start(
                  MotoServer.findOnPath(System.getenv("PATH")).orElseThrow(),
                  Path.of("target", "moto_server.log"));
      case SuiteGate.Fail failure -> fail(failure.message());
      case SuiteGate.Skip skip ->
          throw new IllegalStateException("the class should have been skipped: " + skip.message());
    }
  }

  @AfterAll
  void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  protected URI endpoint() {
    return moto.endpoint();
  }

  @Override
  protected void reset() {
    moto.reset();
  }

  @Override
  protected Set<Deviation> deviations() {
    // Read in moto 5.2.1: moto/ecs/models.py (_delete_attribute compares the value) and
    // moto/ssm/models.py (Command adds every instance of the region to its targets; no
    // list_command_invocations, which moto's dispatcher answers with NotImplementedError).
    return EnumSet.of(
        Deviation.DELETE_ATTRIBUTES_NEEDS_VALUE, Deviation.LIST_COMMAND_INVOCATIONS_NOT_SERVED);
  }
}
