package io.github.bottlerocket.ecsupdater.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * The stack as a template for a CloudFormation StackSet with service-managed permissions, deployed
 * to every account of an organizational unit and to several Regions ({@code cdk synth -c
 * organization=true}; docs/deploy.md, "Across an organization").
 *
 * <p>A StackSet deploys a template alone, without the CDK's bootstrap bucket, so the template is
 * synthesized without bootstrap ({@link BootstraplessSynthesizer}: no asset, no bootstrap version
 * check) and the function's jar comes from a bucket per Region that the operator fills: {@code
 * <CodeBucketPrefix>-<Region>}, key {@code CodeKey}, readable by the organization's accounts. Each
 * account's cluster is the parameter {@value BottlerocketEcsUpdaterStack#CLUSTER_NAME_PARAMETER}
 * (one value for the StackSet, or overridden per account), since cluster ARNs differ from account
 * to account.
 */
public final class OrganizationTemplate {
  /** The context key that selects this template. */
  public static final String ORGANIZATION = "organization";

  /** The parameter: the code buckets' name before the Region, as in {@code my-artifacts}. */
  public static final String CODE_BUCKET_PREFIX = "CodeBucketPrefix";

  /** The parameter: the jar's key in each code bucket. */
  public static final String CODE_KEY = "CodeKey";

  private OrganizationTemplate() {}

  /** Whether the context asks for this template. */
  static boolean requested(Map<String, ?> context) {
    Object v = context.get(ORGANIZATION);
    return v != null && Boolean.parseBoolean(v.toString().strip());
  }

  /**
   * Adds the StackSet's stack to {@code app}, with the cdk-nag checks.
   *
   * @throws DeployContext.InvalidContextException when the context names clusters, which differ per
   *     account
   */
  public static BottlerocketEcsUpdaterStack define(App app, DeployContext context) {
    if (!context.clusterArns().isEmpty()) {
      throw new DeployContext.InvalidContextException(
          List.of(
              DeployContext.CLUSTER_ARN
                  + ": a StackSet's template names no cluster ARN (each account has its own);"
                  + " remove it and give each account's cluster name as the parameter "
                  + BottlerocketEcsUpdaterStack.CLUSTER_NAME_PARAMETER));
    }
    StackProps props =
        StackProps.builder()
            .stackName(context.stackName())
            .synthesizer(new BootstraplessSynthesizer())
            .description(
                "Bottlerocket ECS updater for a StackSet: keeps the Bottlerocket OS of ECS"
                    + " container instances up to date in place")
            .build();
    BottlerocketEcsUpdaterStack stack =
        new BottlerocketEcsUpdaterStack(
            app, context.stackName(), props, context, OrganizationTemplate::code);
    Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
    return stack;
  }

  /** The function's code, from the stack's Region's bucket named by the parameters. */
  private static Optional<Code> code(Stack stack) {
    CfnParameter prefix =
        CfnParameter.Builder.create(stack, CODE_BUCKET_PREFIX)
            .type("String")
            .description(
                "Name of the code buckets before the Region: the function's jar is read from"
                    + " <this>-<Region> in each Region")
            .allowedPattern("[a-z0-9][a-z0-9.-]{1,40}")
            .constraintDescription(
                "lower-case letters, digits, '.' and '-', short enough for the Region to follow")
            .build();
    CfnParameter key =
        CfnParameter.Builder.create(stack, CODE_KEY)
            .type("String")
            .description("Key of the function's jar in each code bucket")
            .allowedPattern("[A-Za-z0-9!_.*'()/-]{1,1024}")
            .constraintDescription("an S3 object key")
            .build();
    String bucket = Fn.join("-", List.of(prefix.getValueAsString(), Aws.REGION));
    return Optional.of(
        Code.fromBucket(
            Bucket.fromBucketName(stack, "CodeBucket", bucket), key.getValueAsString()));
  }
}
