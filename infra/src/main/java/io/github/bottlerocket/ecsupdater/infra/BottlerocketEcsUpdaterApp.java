package io.github.bottlerocket.ecsupdater.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The CDK app that {@code cdk synth} and {@code cdk deploy} run (see {@code infra/cdk.json}):
 *
 * <pre>
 * cdk deploy -c clusterArn=arn:aws:ecs:eu-west-1:111122223333:cluster/prod
 * </pre>
 *
 * The stack goes to the account and region of the clusters named in the context, so that deploying
 * with credentials for another account fails before anything is created. cdk-nag's AwsSolutions
 * checks run on every synth.
 */
public final class BottlerocketEcsUpdaterApp {
  private static final Pattern CLUSTER_ARN =
      Pattern.compile("arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\\d{12}):cluster/.+");

  private BottlerocketEcsUpdaterApp() {}

  public static void main(String[] args) {
    App app = new App();
    try {
      define(app);
    } catch (DeployContext.InvalidContextException | InvalidPropsException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
    app.synth();
  }

  /**
   * Adds the stack that the app's context describes, with the cdk-nag checks.
   *
   * @throws DeployContext.InvalidContextException when a context value cannot be used
   * @throws InvalidPropsException when the resulting configuration cannot work
   */
  public static BottlerocketEcsUpdaterStack define(App app) {
    @SuppressWarnings("unchecked")
    Map<String, ?> all = (Map<String, ?>) app.getNode().getAllContext();
    if (OrganizationTemplate.requested(all)) {
      return OrganizationTemplate.define(app, DeployContext.from(all));
    }
    return define(app, Optional.empty(), DeployContext.from(all));
  }

  /**
   * Adds the stack for {@code context}, with the cdk-nag checks.
   *
   * @param code the function code; empty for the jar this repository builds
   */
  static BottlerocketEcsUpdaterStack define(App app, Optional<Code> code, DeployContext context) {
    StackProps.Builder props =
        StackProps.builder()
            .stackName(context.stackName())
            .description(
                "Bottlerocket ECS updater: keeps the Bottlerocket OS of ECS container instances"
                    + " up to date in place");
    environmentOf(context).ifPresent(props::env);
    BottlerocketEcsUpdaterStack stack =
        new BottlerocketEcsUpdaterStack(app, context.stackName(), props.build(), context, code);
    Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
    return stack;
  }

  /** The account and region of the clusters, when the context names clusters in exactly one. */
  static Optional<Environment> environmentOf(DeployContext context) {
    Set<String> locations = new LinkedHashSet<>();
    String account = null;
    String region = null;
    for (String arn : context.clusterArns()) {
      Matcher m = CLUSTER_ARN.matcher(arn);
      if (m.matches()) {
        region = m.group(1);
        account = m.group(2);
        locations.add(region + "/" + account);
      }
    }
    if (locations.size() != 1) {
      // None, or several: the construct reports mixed locations with a message.
      return Optional.empty();
    }
    return Optional.of(Environment.builder().account(account).region(region).build());
  }
}
