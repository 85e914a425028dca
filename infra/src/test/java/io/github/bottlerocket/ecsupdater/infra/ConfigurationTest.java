package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Configuration that survives redeploys, tags, the instance-tag warning and the deploy-time check
 * of a cluster given as a template parameter.
 */
class ConfigurationTest {

  /** The keys an operator keeps in the context block of infra/cdk.json. */
  private static Map<String, Object> kept() {
    Map<String, Object> keys = new HashMap<>();
    keys.put("clusterArn", CLUSTER);
    keys.put("maintenanceWindow", "Mon-Fri 22:00-04:00");
    keys.put("maintenanceTimezone", "Europe/Berlin");
    keys.put("maxConcurrent", 2);
    keys.put("drainTimeout", "45m");
    keys.put("stageTimeout", "25m");
    keys.put("instanceTag", "ecs-cluster=prod");
    return keys;
  }

  private static Map<String, String> environmentFor(Map<String, Object> context) {
    App app = App.Builder.create().context(context).build();
    BottlerocketEcsUpdaterStack stack =
        BottlerocketEcsUpdaterApp.define(
            app, Optional.of(Fixtures.stubCode()), DeployContext.from(context));
    return EverySettingTest.environment(Template.fromStack(stack));
  }

  @Test
  void aPauseDeployKeepsEverySettingKeptInCdkJson() {
    Map<String, Object> cdkJson = Fixtures.withCdkJson(kept());
    Map<String, Object> pause = new HashMap<>(cdkJson);
    pause.put("paused", "true"); // cdk deploy -c paused=true: the command line wins over cdk.json

    Map<String, String> before = environmentFor(cdkJson);
    Map<String, String> paused = environmentFor(pause);

    assertThat(before.get(Setting.PAUSED.key())).isEqualTo("false");
    assertThat(paused.get(Setting.PAUSED.key())).isEqualTo("true");
    Map<String, String> rest = new HashMap<>(paused);
    rest.put(Setting.PAUSED.key(), "false");
    assertThat(rest).isEqualTo(before);
    assertThat(before)
        .containsEntry("MAINTENANCE_WINDOW", "Mon-Fri 22:00-04:00")
        .containsEntry("MAX_CONCURRENT", "2")
        .containsEntry("DRAIN_TIMEOUT", "45m")
        .containsEntry("STAGE_TIMEOUT", "25m");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyResourceThatTakesTagsCarriesTheComponentTagAndTheGivenOnes() {
    Template template = Fixtures.template(p -> p.tags(Map.of("cost-center", "platform")));
    List<String> untaggable =
        List.of(
            "AWS::IAM::Policy",
            "AWS::Lambda::Permission",
            "AWS::Lambda::EventInvokeConfig",
            "AWS::SQS::QueuePolicy");
    Map<String, Map<String, Object>> resources =
        (Map<String, Map<String, Object>>) template.toJSON().get("Resources");

    assertThat(resources).isNotEmpty();
    resources.forEach(
        (id, resource) -> {
          String type = (String) resource.get("Type");
          if (untaggable.contains(type)) {
            return;
          }
          Object tags = ((Map<String, Object>) resource.get("Properties")).get("Tags");
          assertThat(String.valueOf(tags))
              .as("tags of %s (%s)", id, type)
              .contains(BottlerocketEcsUpdater.COMPONENT_TAG)
              .contains("UpdaterTest/Updater")
              .contains("cost-center")
              .contains("platform");
        });
  }

  @Test
  void withoutAnInstanceTagSynthWarnsThatSendCommandStaysBroad() {
    Stack stack = Fixtures.stack();
    Fixtures.updater(stack, p -> p);

    Annotations.fromStack(stack)
        .hasWarning(
            "/UpdaterTest/Updater",
            Match.stringLikeRegexp(
                "instanceTag is not set, so the role keeps ssm:SendCommand on every EC2 instance.*"));
  }

  @Test
  void withAnInstanceTagThereIsNoWarning() {
    Stack stack = Fixtures.stack();
    Fixtures.updater(stack, p -> p.instanceTag("ecs-cluster", "prod"));

    Annotations.fromStack(stack)
        .hasNoWarning("*", Match.stringLikeRegexp("instanceTag is not set.*"));
  }
}
