package io.github.bottlerocket.ecsupdater.infra;

import static io.github.bottlerocket.ecsupdater.infra.Fixtures.ACCOUNT;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.CLUSTER;
import static io.github.bottlerocket.ecsupdater.infra.Fixtures.REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The app as {@code cdk synth} runs it: context in, a checked stack out. */
class BottlerocketEcsUpdaterAppTest {
  private static final String TOPIC = "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":updater-alerts";

  /** An app as the CLI would start it, with the test's stand-in code instead of the jar. */
  private static BottlerocketEcsUpdaterStack stackFor(Map<String, ?> context) {
    Map<String, Object> all = Fixtures.withCdkJson(context);
    App app = App.Builder.create().context(all).build();
    DeployContext deploy = DeployContext.from(all);
    return BottlerocketEcsUpdaterApp.define(app, Optional.of(Fixtures.stubCode()), deploy);
  }

  @Test
  void theStackGoesToTheClustersAccountAndRegion() {
    BottlerocketEcsUpdaterStack stack = stackFor(Map.of("clusterArn", CLUSTER));

    assertThat(stack.getAccount()).isEqualTo(ACCOUNT);
    assertThat(stack.getRegion()).isEqualTo(REGION);
    assertThat(stack.getStackName()).isEqualTo("BottlerocketEcsUpdater");
  }

  @Test
  void theStackNameComesFromTheContext() {
    BottlerocketEcsUpdaterStack stack =
        stackFor(Map.of("clusterArn", CLUSTER, "stackName", "ProdUpdater"));

    assertThat(stack.getStackName()).isEqualTo("ProdUpdater");
    assertThat(stack.getUpdater().getDocumentPrefix()).isEqualTo("ProdUpdater-");
  }

  @Test
  void withoutClustersTheTemplateTakesOneAsAParameter() {
    BottlerocketEcsUpdaterStack stack = stackFor(Map.of());
    Template template = Template.fromStack(stack);

    template.hasParameter(
        BottlerocketEcsUpdaterStack.CLUSTER_NAME_PARAMETER,
        Map.of("Type", "String", "AllowedPattern", "[A-Za-z0-9_-]{1,255}"));
    // The ARN is built in the stack's own partition, region and account.
    assertThat(EverySettingTest.environment(template).get("ALLOWED_CLUSTERS"))
        .isEqualTo(
            "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/${"
                + BottlerocketEcsUpdaterStack.CLUSTER_NAME_PARAMETER
                + "}");
    assertThat(stack.getUpdater().getClusterArns()).hasSize(1);
  }

  @Test
  void withClustersInTheContextThereIsNoParameter() {
    Template template = Template.fromStack(stackFor(Map.of("clusterArn", CLUSTER)));

    assertThat(template.findParameters(BottlerocketEcsUpdaterStack.CLUSTER_NAME_PARAMETER))
        .isEmpty();
  }

  @Test
  void theAlarmTopicComesFromTheContext() {
    Template template =
        Template.fromStack(stackFor(Map.of("clusterArn", CLUSTER, "alarmTopicArn", TOPIC)));

    template.allResourcesProperties(
        "AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(TOPIC)));
  }

  @Test
  void theOutputsNameWhatTheOperatorsCommandsNeed() {
    Template template = Template.fromStack(stackFor(Map.of("clusterArn", CLUSTER)));

    assertThat(template.findOutputs("*").keySet())
        .containsExactlyInAnyOrder(
            "FunctionName",
            "LogGroupName",
            "ScheduleRuleName",
            "EcsEventRuleName",
            "ControlParameterName",
            "LeaseTableName",
            "FanOutQueueName",
            "FanOutDeadLetterQueueName",
            "DocumentPrefix");
    template.hasOutput("DocumentPrefix", Map.of("Value", "BottlerocketEcsUpdater-"));
    String table = Fixtures.onlyLogicalId(template, "AWS::DynamoDB::Table");
    template.hasOutput("LeaseTableName", Map.of("Value", Map.of("Ref", table)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRuleOfTheStackHasItsNameAsAnOutput() {
    Template template = Template.fromStack(stackFor(Map.of("clusterArn", CLUSTER)));
    Map<String, Map<String, Object>> rules = template.findResources("AWS::Events::Rule");
    List<Object> outputs =
        template.findOutputs("*").values().stream().map(o -> o.get("Value")).toList();

    assertThat(rules).hasSize(2);
    for (String rule : rules.keySet()) {
      assertThat(outputs).contains(Map.of("Ref", rule));
    }
  }

  @Test
  void withoutTheEcsEventRuleThereIsNoOutputForIt() {
    Template template =
        Template.fromStack(
            stackFor(
                Map.of(
                    "clusterArn",
                    CLUSTER,
                    "ecsEventTrigger",
                    "false",
                    "concurrencyGuard",
                    "false",
                    "schedule",
                    "rate(1 hour)")));

    assertThat(template.findOutputs("EcsEventRuleName")).isEmpty();
  }

  @Test
  void theControlParameterIsNamedAfterTheStackAndStartsAtRun() {
    Template template = Template.fromStack(stackFor(Map.of("clusterArn", CLUSTER)));
    String parameter = Fixtures.onlyLogicalId(template, "AWS::SSM::Parameter");

    template.hasResourceProperties(
        "AWS::SSM::Parameter",
        Map.of(
            "Name",
            "/bottlerocket-ecs-updater/BottlerocketEcsUpdater/control",
            "Type",
            "String",
            "Value",
            "run"));
    template.hasOutput("ControlParameterName", Map.of("Value", Map.of("Ref", parameter)));
  }

  @Test
  void invalidContextStopsTheApp() {
    App app = App.Builder.create().context(Map.of("memorySize", "lots")).build();

    assertThatThrownBy(() -> BottlerocketEcsUpdaterApp.define(app))
        .isInstanceOf(DeployContext.InvalidContextException.class)
        .hasMessageContaining("memorySize");
  }

  @Test
  void aSettingTheFunctionWouldRefuseStopsTheAppNamingTheKey() {
    App app = App.Builder.create().context(Map.of("maxConcurrent", "many")).build();

    assertThatThrownBy(() -> BottlerocketEcsUpdaterApp.define(app))
        .isInstanceOf(InvalidPropsException.class)
        .hasMessage(
            "Invalid BottlerocketEcsUpdater props: maxConcurrent: the function would reject this:"
                + " MAX_CONCURRENT must be a whole number from 1 to 100, or a share of the"
                + " cluster's Bottlerocket instances from 1% to 100% (e.g. 25%), got 'many'");
  }

  // ---- cdk-nag ---------------------------------------------------------------------------------

  static Stream<Arguments> configurations() {
    Map<String, Object> everything = new HashMap<>();
    everything.put("clusterArn", CLUSTER + "," + Fixtures.OTHER_CLUSTER);
    everything.put("alarmTopicArn", TOPIC);
    everything.put("instanceTag", "ecs-cluster=prod");
    everything.put("concurrencyGuard", "true");
    everything.put("ecsEventTrigger", "false");
    everything.put("schedule", "rate(1 hour)");
    everything.put("leaseTableName", "platform-updater-leases");
    everything.put("leaseDuration", "9m");
    everything.put("architecture", "x86_64");
    return Stream.of(
        Arguments.of("one cluster", Map.of("clusterArn", CLUSTER)),
        Arguments.of("cluster as a parameter", Map.of()),
        Arguments.of("every option", everything));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void awsSolutionsChecksFindNothingUnacknowledged(String name, Map<String, ?> context) {
    BottlerocketEcsUpdaterStack stack = stackFor(context);
    Annotations annotations = Annotations.fromStack(stack);

    annotations.hasNoError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    annotations.hasNoWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAcknowledgementIsOneWildcardWithAReason() {
    Template template = Template.fromStack(stackFor(Map.of("clusterArn", CLUSTER)));
    Map<String, Object> policy =
        template.findResources("AWS::IAM::Policy").values().iterator().next();
    Map<String, Object> nag =
        (Map<String, Object>) ((Map<String, Object>) policy.get("Metadata")).get("cdk_nag");
    List<Map<String, Object>> acknowledged =
        (List<Map<String, Object>>) nag.get("rules_to_suppress");

    assertThat(acknowledged).hasSize(5);
    assertThat(acknowledged)
        .allSatisfy(
            a -> {
              assertThat(a.get("id")).isEqualTo("AwsSolutions-IAM5");
              assertThat((String) a.get("reason")).hasSizeGreaterThan(80);
              assertThat((List<Object>) a.get("applies_to")).hasSize(1);
            });
  }

  // ---- the organization's template -------------------------------------------------------------

  @Test
  @SuppressWarnings("unchecked")
  void theOrganizationTemplateNeedsNoBootstrapAndReadsTheJarFromTheRegionsBucket() {
    App app =
        App.Builder.create()
            .context(Fixtures.withCdkJson(Map.of(OrganizationTemplate.ORGANIZATION, "true")))
            .build();
    Template template = Template.fromStack(BottlerocketEcsUpdaterApp.define(app));

    assertThat(template.findParameters("*").keySet())
        .containsExactlyInAnyOrder(
            BottlerocketEcsUpdaterStack.CLUSTER_NAME_PARAMETER,
            OrganizationTemplate.CODE_BUCKET_PREFIX,
            OrganizationTemplate.CODE_KEY);
    assertThat(template.toJSON()).doesNotContainKey("Rules");
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Code",
            Map.of(
                "S3Bucket",
                Map.of(
                    "Fn::Join",
                    List.of(
                        "-",
                        List.of(
                            Map.of("Ref", OrganizationTemplate.CODE_BUCKET_PREFIX),
                            Map.of("Ref", "AWS::Region")))),
                "S3Key",
                Map.of("Ref", OrganizationTemplate.CODE_KEY))));
    assertThat(template.toJSON().toString())
        .doesNotContain("cdk-hnb659fds")
        .doesNotContain("aws:asset");
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
  }

  @Test
  void theOrganizationTemplateRefusesClusterArnsWhichDifferPerAccount() {
    App app =
        App.Builder.create()
            .context(
                Fixtures.withCdkJson(
                    Map.of(OrganizationTemplate.ORGANIZATION, "true", "clusterArn", CLUSTER)))
            .build();

    assertThatThrownBy(() -> BottlerocketEcsUpdaterApp.define(app))
        .isInstanceOf(DeployContext.InvalidContextException.class)
        .hasMessageContaining("a StackSet's template names no cluster ARN");
  }

  // ---- the template for cfn-lint ---------------------------------------------------------------

  /**
   * Synthesizes the app as {@code cdk synth -c clusterArn=...} does, with the real function jar,
   * into {@code target/cdk.out}, where {@code .ci/run} runs cfn-lint on it; and the template
   * without context (cluster as a parameter) into {@code target/cdk.out-parameter}.
   */
  @Test
  void synthesizesTheExampleTemplates() {
    Path out = Path.of(System.getProperty("bottlerocket.cdkOut", "target/cdk.out"));
    for (var run :
        List.of(
            Map.entry(out, Map.of("clusterArn", CLUSTER)),
            Map.entry(Path.of(out + "-parameter"), Map.<String, Object>of()),
            Map.entry(
                Path.of(out + "-organization"),
                Map.<String, Object>of(OrganizationTemplate.ORGANIZATION, "true")))) {
      App app =
          App.Builder.create()
              .outdir(run.getKey().toString())
              .context(Fixtures.withCdkJson(run.getValue()))
              .build();
      BottlerocketEcsUpdaterApp.define(app);
      app.synth();

      assertThat(run.getKey().resolve("BottlerocketEcsUpdater.template.json")).isRegularFile();
    }
    assertThat(Files.exists(out.resolve("manifest.json"))).isTrue();
  }
}
