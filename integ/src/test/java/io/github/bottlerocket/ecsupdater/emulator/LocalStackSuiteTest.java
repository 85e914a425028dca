package io.github.bottlerocket.ecsupdater.emulator;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The emulator scenarios against LocalStack in a container. Opt-in: it runs only where a Docker
 * engine answers and {@code LOCALSTACK_AUTH_TOKEN} is set (the image needs a token, and ECS and SSM
 * Run Command are not in LocalStack's free tier); elsewhere it is skipped with a message naming
 * what is missing. {@code -Dlocalstack.image=...} picks another image.
 */
@ExtendWith(LocalStackSuiteTest.WhenDockerAndTokenArePresent.class)
class LocalStackSuiteTest extends EmulatorScenarios {
  /** A pinned Pro image; ECS container instances and SSM Run Command need it. */
  static final String IMAGE = "localstack/localstack-pro:4.5";

  private LocalStackContainer localStack;

  /** Skips the suite unless Docker answers and a LocalStack auth token is set. */
  static final class WhenDockerAndTokenArePresent extends SkipUnlessAvailable {
    @Override
    protected SuiteGate gate() {
      return SuiteGate.localStack(
          System.getenv(SuiteGate.LOCALSTACK_AUTH_TOKEN), dockerAvailable());
    }
  }

  @BeforeAll
  void startLocalStack() {
    DockerImageName image =
        DockerImageName.parse(System.getProperty("localstack.image", IMAGE))
            .asCompatibleSubstituteFor("localstack/localstack");
    localStack =
        new LocalStackContainer(image)
            .withServices("ecs", "ec2", "ssm", "events")
            .withEnv(
                SuiteGate.LOCALSTACK_AUTH_TOKEN, System.getenv(SuiteGate.LOCALSTACK_AUTH_TOKEN));
    localStack.start();
  }

  @AfterAll
  void stopLocalStack() {
    if (localStack != null) {
      localStack.stop();
    }
  }

  @Override
  protected URI endpoint() {
    return localStack.getEndpoint();
  }

  @Override
  protected void reset() {
    // Each scenario names its own cluster, so what earlier scenarios left does not matter.
  }

  /** Whether Testcontainers reaches a Docker engine; any error on the way counts as no. */
  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
