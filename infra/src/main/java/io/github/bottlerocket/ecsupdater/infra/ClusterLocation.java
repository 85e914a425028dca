package io.github.bottlerocket.ecsupdater.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnRule;
import software.amazon.awscdk.CfnRuleAssertion;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.ICfnRuleConditionExpression;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.constructs.Construct;

/**
 * Makes CloudFormation refuse, before it creates anything, to deploy a stack that learns its region
 * or account only at deploy time anywhere but where the clusters are. A cluster ARN that is itself
 * only known at deploy time cannot be checked this way: the Rules section cannot split a string
 * (the CDK's template validation refuses {@code Fn::Split} there), so the stack's parameter-based
 * template takes the cluster's name and builds the ARN in its own region and account instead.
 */
final class ClusterLocation {
  private ClusterLocation() {}

  static void guard(Construct scope, Stack stack, List<String> clusterArns) {
    List<CfnRuleAssertion> assertions = new ArrayList<>();
    boolean stackKnown =
        !Token.isUnresolved(stack.getRegion()) && !Token.isUnresolved(stack.getAccount());
    Optional<Matcher> known =
        clusterArns.stream()
            .filter(a -> !Token.isUnresolved(a))
            .map(PropsCheck.CLUSTER_ARN::matcher)
            .filter(Matcher::matches)
            .findFirst();
    if (known.isPresent() && !stackKnown) {
      String region = known.get().group(2);
      String account = known.get().group(3);
      assertions.add(
          assertion(
              Fn.conditionEquals(Aws.REGION, region),
              "The managed clusters are in " + region + "; deploy this stack there."));
      assertions.add(
          assertion(
              Fn.conditionEquals(Aws.ACCOUNT_ID, account),
              "The managed clusters are in account " + account + "; deploy this stack there."));
    }
    if (!assertions.isEmpty()) {
      CfnRule.Builder.create(scope, "ClusterLocationRule").assertions(assertions).build();
    }
  }

  private static CfnRuleAssertion assertion(
      ICfnRuleConditionExpression condition, String description) {
    return CfnRuleAssertion.builder().assertValue(condition).assertDescription(description).build();
  }
}
