package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/** The names the README and docs/deploy.md give an operator are the stack's. */
class DeployPageTest {
  private static String read(String path) throws IOException {
    return Files.readString(Fixtures.repoRoot().resolve(path));
  }

  private static BottlerocketEcsUpdaterStack defaultStack() {
    Map<String, Object> context = Fixtures.withCdkJson(Map.of("clusterArn", CLUSTER));
    return BottlerocketEcsUpdaterApp.define(
        App.Builder.create().context(context).build(),
        Optional.of(Fixtures.stubCode()),
        DeployContext.from(context));
  }

  @Test
  void everyOutputIsNamedOnTheDeployPage() throws IOException {
    String deploy = read("docs/deploy.md");

    for (String output : Template.fromStack(defaultStack()).findOutputs("*").keySet()) {
      assertThat(deploy).as(output).contains("`" + output + "`");
    }
  }

  @Test
  void everyOutputTheRunbooksReadIsOneTheStackHas() throws IOException {
    Set<String> outputs = Template.fromStack(defaultStack()).findOutputs("*").keySet();
    Matcher m = Pattern.compile("\\$\\(output (\\w+)\\)").matcher(read("docs/operations.md"));
    Set<String> used = new TreeSet<>();
    while (m.find()) {
      used.add(m.group(1));
    }

    assertThat(used).contains("FunctionName", "ControlParameterName").isSubsetOf(outputs);
  }

  @Test
  void everyDeployKeyIsOnTheDeployPage() throws IOException {
    String deploy = read("docs/deploy.md");

    for (String key : DeployContext.KEYS) {
      assertThat(deploy).as(key).contains("`" + key + "`");
    }
  }

  @Test
  void theReadmesPauseCommandNamesTheDefaultStacksControlParameter() throws IOException {
    String name = defaultStack().getUpdater().getControlParameterName();

    assertThat(read("README.md"))
        .contains("aws ssm put-parameter --name " + name + " --value pause --overwrite");
    assertThat(read("docs/deploy.md"))
        .contains("`/bottlerocket-ecs-updater/<stackName>/control`")
        .contains("aws ssm put-parameter --name \"$SWITCH\" --value pause --overwrite")
        .contains("OutputKey=='ControlParameterName'");
  }
}
