package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.lambda.Architecture;
import software.constructs.IConstruct;

/**
 * Every rule the props of a {@link BottlerocketEcsUpdater} are checked against before it creates
 * anything. Each problem starts with the prop's name and says what to do instead.
 */
final class PropsCheck {
  static final Pattern CLUSTER_ARN =
      Pattern.compile("arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\\d{12}):cluster/([A-Za-z0-9_-]{1,255})");
  private static final List<String> RESERVED_DOCUMENT_PREFIXES = List.of("aws", "amazon", "amzn");
  private static final int MIN_MEMORY = 128;
  private static final int MAX_MEMORY = 10_240;

  private final List<String> problems = new ArrayList<>();

  private PropsCheck() {}

  /**
   * Checks everything.
   *
   * @param self the updater being made, so that it is not compared with itself
   * @param environment the function's settings as they will be written
   * @throws InvalidPropsException listing every problem
   */
  static void check(
      IConstruct self,
      Stack stack,
      BottlerocketEcsUpdaterProps props,
      List<String> clusterArns,
      String documentPrefix,
      String controlParameterName,
      String leaseTableName,
      String fanOutQueueName,
      Map<String, String> environment) {
    PropsCheck c = new PropsCheck();
    c.clusters(stack, clusterArns);
    c.function(props);
    c.documentPrefix(self, stack, documentPrefix);
    c.instanceTag(props);
    c.controlParameter(self, stack, controlParameterName);
    c.leaseTable(self, stack, leaseTableName);
    c.fanOut(self, stack, props, fanOutQueueName);
    c.settings(environment);
    if (!c.problems.isEmpty()) {
      throw new InvalidPropsException(c.problems);
    }
  }

  private void clusters(Stack stack, List<String> arns) {
    if (arns.isEmpty()) {
      problems.add(
          "clusters: no cluster to manage; pass clusters(List.of(cluster)) or"
              + " clusterArns(List.of(\"arn:aws:ecs:<region>:<account>:cluster/<name>\"))");
      return;
    }
    Set<String> seen = new HashSet<>();
    Set<String> locations = new LinkedHashSet<>();
    for (String arn : arns) {
      if (Token.isUnresolved(arn)) {
        continue; // checked at deploy time by ClusterLocation's rule
      }
      Matcher m = CLUSTER_ARN.matcher(arn);
      if (!m.matches()) {
        problems.add(
            "clusterArns: '"
                + arn
                + "' is not an ECS cluster ARN; write it as"
                + " arn:<partition>:ecs:<region>:<account>:cluster/<name>");
        continue;
      }
      if (!seen.add(arn)) {
        problems.add("clusterArns: '" + arn + "' is listed twice; list each cluster once");
      }
      locations.add(m.group(2) + " in account " + m.group(3));
      elsewhere(arn, "region", m.group(2), stack.getRegion());
      elsewhere(arn, "account", m.group(3), stack.getAccount());
    }
    if (locations.size() > 1) {
      problems.add(
          "clusterArns: the clusters are in "
              + String.join(" and ", locations)
              + "; one updater manages the clusters of one account and region, so deploy one"
              + " stack per region and account");
    }
  }

  private void elsewhere(String arn, String what, String clusters, String stacks) {
    if (!Token.isUnresolved(stacks) && !stacks.equals(clusters)) {
      problems.add(
          "clusterArns: '"
              + arn
              + "' is in "
              + what
              + " "
              + clusters
              + " but the stack deploys to "
              + stacks
              + "; deploy the stack to the clusters' "
              + what);
    }
  }

  private void function(BottlerocketEcsUpdaterProps props) {
    int memory = props.getMemorySize();
    if (memory < MIN_MEMORY || memory > MAX_MEMORY) {
      problems.add(
          "memorySize: "
              + memory
              + " MB is outside Lambda's range of "
              + MIN_MEMORY
              + " to "
              + MAX_MEMORY
              + " MB");
    }
    String architecture = props.getArchitecture().getName();
    if (!architecture.equals(Architecture.ARM_64.getName())
        && !architecture.equals(Architecture.X86_64.getName())) {
      problems.add(
          "architecture: '"
              + architecture
              + "' is not a Lambda architecture; use Architecture.ARM_64 or Architecture.X86_64");
    }
  }

  private void documentPrefix(IConstruct self, Stack stack, String prefix) {
    String lower = prefix.toLowerCase(Locale.ROOT);
    for (String reserved : RESERVED_DOCUMENT_PREFIXES) {
      if (lower.startsWith(reserved)) {
        problems.add(
            "documentPrefix: '"
                + prefix
                + "' starts with '"
                + reserved
                + "', which AWS reserves for its own SSM documents; pass another documentPrefix");
        break;
      }
    }
    for (BottlerocketEcsUpdater other : others(self, stack)) {
      if (prefix.equals(other.getDocumentPrefix())) {
        problems.add(
            "documentPrefix: '"
                + prefix
                + "' is already used by "
                + other.getNode().getPath()
                + "; SSM document names are unique per account and region, so pass another"
                + " documentPrefix");
      }
    }
  }

  private void controlParameter(IConstruct self, Stack stack, String name) {
    if (name.startsWith("arn:")) {
      problems.add(
          "controlParameterName: '"
              + name
              + "' is an ARN, but the construct creates the parameter and needs its name, e.g."
              + " /bottlerocket-ecs-updater/prod/control");
    }
    for (BottlerocketEcsUpdater other : others(self, stack)) {
      if (name.equals(other.getControlParameterName())) {
        problems.add(
            "controlParameterName: '"
                + name
                + "' is already used by "
                + other.getNode().getPath()
                + "; SSM parameter names are unique per account and region, so pass another"
                + " controlParameterName");
      }
    }
  }

  private void leaseTable(IConstruct self, Stack stack, String name) {
    for (BottlerocketEcsUpdater other : others(self, stack)) {
      if (name.equals(other.getLeaseTableName())) {
        problems.add(
            "leaseTableName: '"
                + name
                + "' is already used by "
                + other.getNode().getPath()
                + "; DynamoDB table names are unique per account and region, so pass another"
                + " leaseTableName");
      }
    }
  }

  private void fanOut(
      IConstruct self, Stack stack, BottlerocketEcsUpdaterProps props, String queueName) {
    int n = props.getClusterConcurrency();
    if (n < 2 || n > 1000) {
      problems.add(
          "clusterConcurrency: "
              + n
              + " is outside the range of an SQS event source's maximum concurrency, 2 to 1000");
    }
    // The queue name is checked with the function's own words, as FAN_OUT_QUEUE.
    for (BottlerocketEcsUpdater other : others(self, stack)) {
      if (queueName.equals(other.getFanOutQueueName())) {
        problems.add(
            "fanOutQueueName: '"
                + queueName
                + "' is already used by "
                + other.getNode().getPath()
                + "; SQS queue names are unique per account and region, so pass another"
                + " fanOutQueueName");
      }
    }
  }

  private static List<BottlerocketEcsUpdater> others(IConstruct self, Stack stack) {
    List<BottlerocketEcsUpdater> others = new ArrayList<>();
    for (IConstruct c : stack.getNode().findAll()) {
      if (c != self && c instanceof BottlerocketEcsUpdater updater) {
        others.add(updater);
      }
    }
    return others;
  }

  private void instanceTag(BottlerocketEcsUpdaterProps props) {
    Optional<String> key = props.getInstanceTagKey();
    if (key.isEmpty()) {
      return;
    }
    if (key.get().isBlank() || key.get().length() > 128) {
      problems.add("instanceTag: the key must have 1 to 128 characters, got '" + key.get() + "'");
    }
    if (props.getInstanceTagValue().orElse("").length() > 256) {
      problems.add("instanceTag: the value must have at most 256 characters");
    }
  }

  /** Runs the function's own configuration parser over the settings that are known now. */
  private void settings(Map<String, String> environment) {
    Map<String, String> known = new TreeMap<>();
    environment.forEach(
        (k, v) -> {
          if (!Token.isUnresolved(v)) {
            known.put(k, v);
          }
        });
    try {
      Settings.fromEnvironment(known);
    } catch (ConfigException e) {
      for (String problem : e.problems()) {
        problems.add(propFor(problem) + ": the function would reject this: " + problem);
      }
    }
  }

  private static String propFor(String settingProblem) {
    for (Setting s : Setting.values()) {
      if (settingProblem.startsWith(s.key() + " ")) {
        return FunctionSettings.prop(s);
      }
    }
    return "props";
  }
}
