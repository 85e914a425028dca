package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.telemetry.EmfMetrics;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnRule;
import software.amazon.awscdk.CfnRuleAssertion;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.ssm.CfnDocument;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The Bottlerocket ECS updater in an account: a Java Lambda function that runs one reconcile pass
 * over each managed cluster per invocation, the rules that invoke it, the SSM documents that hold
 * the only commands it runs on hosts, a least-privilege role, its log group and alarms.
 *
 * <p>Decisions built in (reasons in {@code docs/infra-decisions.md}):
 *
 * <ul>
 *   <li>Runtime {@code java25} (the jar targets Java 21 and runs unchanged on it), 15-minute
 *       timeout: the function stops starting steps 30 seconds before its deadline and the next
 *       invocation continues where it stopped.
 *   <li>No SnapStart. A pass runs for minutes every quarter of an hour, so a cold start of a second
 *       or two is noise; SnapStart would need a published version or alias as the target of every
 *       rule and would clone anything made at init into every restored environment.
 *   <li>Reserved concurrency 1 ({@link BottlerocketEcsUpdaterProps#isConcurrencyGuard()}) so that
 *       two passes never drain at the same time.
 *   <li>Asynchronous invocations are not retried and wait at most {@link #MAX_EVENT_AGE} for the
 *       running pass to end: the next tick is the retry.
 *   <li>One SSM Command document per {@link HostCommand}, with its fixed lines and no parameters,
 *       named {@code <prefix><suffix>}; the role may run no other document.
 * </ul>
 *
 * <p>Construct ids of the children are part of this construct's API: changing one replaces the
 * resource.
 */
public final class BottlerocketEcsUpdater extends Construct {
  /** The Lambda handler of the function jar. */
  public static final String HANDLER =
      "io.github.bottlerocket.ecsupdater.handler.UpdaterHandler::handleRequest";

  /** Where the build puts the function jar, relative to the repository root. */
  public static final String FUNCTION_JAR = "lambda/target/bottlerocket-ecs-updater.jar";

  /** The longest run Lambda allows; the function keeps its own margin before it. */
  public static final java.time.Duration FUNCTION_TIMEOUT = java.time.Duration.ofMinutes(15);

  /**
   * How long an asynchronous invocation may wait, for example behind a running pass, before Lambda
   * drops it.
   */
  public static final java.time.Duration MAX_EVENT_AGE = java.time.Duration.ofMinutes(5);

  /** Seconds a host command may run before SSM stops it; every command returns within seconds. */
  static final String COMMAND_TIMEOUT_SECONDS = "300";

  private static final Pattern CLUSTER_ARN =
      Pattern.compile("arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\\d{12}):cluster/([A-Za-z0-9_-]{1,255})");
  private static final List<String> RESERVED_DOCUMENT_PREFIXES = List.of("aws", "amazon", "amzn");
  private static final int MIN_MEMORY = 128;
  private static final int MAX_MEMORY = 10_240;
  private static final java.time.Duration LONGEST_ALARM_PERIOD = java.time.Duration.ofHours(12);
  private static final java.time.Duration CRON_ALARM_PERIOD = java.time.Duration.ofHours(1);

  /** Which prop each function setting comes from, to name the prop in validation messages. */
  private static final Map<Setting, String> PROP_OF_SETTING = propOfSetting();

  private final String documentPrefix;
  private final List<String> clusterArns;
  private final Role role;
  private final LogGroup logGroup;
  private final Function function;
  private final Map<HostCommand, CfnDocument> documents;
  private final Rule scheduleRule;
  private final Optional<Rule> ecsEventRule;
  private final Alarm updatesFailedAlarm;
  private final Alarm circuitBreakerAlarm;
  private final Alarm functionErrorsAlarm;

  public BottlerocketEcsUpdater(Construct scope, String id, BottlerocketEcsUpdaterProps props) {
    super(scope, id);
    Stack stack = Stack.of(this);
    List<String> arns = new ArrayList<>(props.getClusterArns());
    props.getClusters().forEach(c -> arns.add(c.getClusterArn()));
    String prefix = props.getDocumentPrefix().orElseGet(() -> stack.getStackName() + "-");

    // Everything is checked before the first resource exists.
    List<String> problems = new ArrayList<>();
    checkClusters(stack, arns, problems);
    checkFunction(props, problems);
    checkConcurrency(props, problems);
    checkDocumentPrefix(stack, prefix, problems);
    checkInstanceTag(props, problems);
    Path workingDirectory = Path.of("").toAbsolutePath();
    Optional<Code> code =
        props
            .getCode()
            .or(() -> locateJar(workingDirectory).map(p -> Code.fromAsset(p.toString())));
    if (code.isEmpty()) {
      problems.add(missingJarProblem(workingDirectory));
    }
    Map<String, String> plannedEnvironment = environment(props, arns, prefix, "default");
    checkSettings(plannedEnvironment, problems);
    if (!problems.isEmpty()) {
      throw new InvalidPropsException(problems);
    }

    this.documentPrefix = prefix;
    this.clusterArns = List.copyOf(arns);
    guardClusterLocation(stack, arns);

    IEventBus bus =
        props.getEventBus().orElseGet(() -> EventBus.fromEventBusName(this, "EventBus", "default"));
    this.logGroup =
        LogGroup.Builder.create(this, "LogGroup").retention(props.getLogRetention()).build();
    this.documents = createDocuments(prefix);
    this.role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description(
                "Bottlerocket ECS updater: updates the container instances of its clusters")
            .build();
    new UpdaterPermissions(
            stack,
            clusterArns,
            documents.values().stream().map(CfnDocument::getName).toList(),
            bus.getEventBusArn(),
            logGroup.getLogGroupArn(),
            props
                .getInstanceTagKey()
                .map(
                    k ->
                        new UpdaterPermissions.InstanceTag(
                            k, props.getInstanceTagValue().orElse(""))))
        .statements()
        .forEach(role::addToPrincipalPolicy);

    this.function =
        Function.Builder.create(this, "Function")
            .description(
                "Bottlerocket ECS updater: keeps the Bottlerocket OS of ECS container instances"
                    + " up to date")
            .runtime(Runtime.JAVA_25)
            .architecture(props.getArchitecture())
            .memorySize(props.getMemorySize())
            .timeout(Duration.seconds(FUNCTION_TIMEOUT.toSeconds()))
            .handler(HANDLER)
            .code(code.get())
            .role(role)
            .logGroup(logGroup)
            .environment(environment(props, arns, prefix, bus.getEventBusName()))
            .reservedConcurrentExecutions(props.isConcurrencyGuard() ? 1 : null)
            .retryAttempts(0)
            .maxEventAge(Duration.seconds(MAX_EVENT_AGE.toSeconds()))
            .build();

    this.scheduleRule =
        Rule.Builder.create(this, "ScheduleRule")
            .description("Starts a Bottlerocket ECS updater pass over the managed clusters")
            .schedule(props.getSchedule())
            .targets(
                List.of(
                    new LambdaFunction(
                        function,
                        LambdaFunctionProps.builder()
                            .event(RuleTargetInput.fromObject(Map.of("clusters", clusterArns)))
                            .retryAttempts(0)
                            .build())))
            .build();
    this.ecsEventRule =
        props.isEcsEventTrigger() ? Optional.of(createEcsEventRule()) : Optional.empty();

    java.time.Duration period = alarmPeriod(props.getSchedule());
    String namespace = props.getMetricsNamespace();
    this.updatesFailedAlarm =
        alarm(
            "UpdatesFailedAlarm",
            updaterMetric(namespace, EmfMetrics.UPDATES_FAILED, "Sum", period),
            1,
            "An instance update failed (rolled back, did not come back, or came back on the wrong"
                + " version). The instance carries the attribute "
                + StateAttributes.FAILURE
                + "; see the function's log group for the step and cause.");
    this.circuitBreakerAlarm =
        alarm(
            "CircuitBreakerAlarm",
            updaterMetric(namespace, EmfMetrics.CIRCUIT_BREAKER_OPEN, "Maximum", period),
            2,
            "A cluster spent its failure budget: no new update starts there until the failed"
                + " instances are dealt with and their "
                + StateAttributes.FAILURE
                + " attribute is removed.");
    this.functionErrorsAlarm =
        alarm(
            "FunctionErrorsAlarm",
            function.metricErrors(
                MetricOptions.builder()
                    .statistic("Sum")
                    .period(Duration.seconds(period.toSeconds()))
                    .build()),
            1,
            "The updater function failed: a configuration error, or no pass of an invocation"
                + " completed. The function's log group says which.");
    props
        .getAlarmTopic()
        .ifPresent(
            topic ->
                List.of(updatesFailedAlarm, circuitBreakerAlarm, functionErrorsAlarm)
                    .forEach(a -> a.addAlarmAction(new SnsAction(topic))));
    acknowledgeWildcards();
  }

  /**
   * The cdk-nag AwsSolutions findings that remain by design, each with its reason. Only the
   * wildcard resources that {@link UpdaterPermissions} explains are acknowledged, by pattern, so a
   * new wildcard still fails the check.
   */
  private void acknowledgeWildcards() {
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "Container instance, task and service ARNs are matched by type; the"
                        + " ArnEquals ecs:cluster condition on the same statements limits them to"
                        + " the managed clusters (a cluster-name pattern would miss short-format"
                        + " ARNs).")
                .appliesTo(
                    List.of(
                        RegexAppliesTo.builder()
                            .regex(nagResource("ecs", "(container-instance|task|service)"))
                            .build()))
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "ssm:SendCommand must also be allowed on each target instance, and an EC2"
                        + " instance ARN says nothing about its ECS cluster; the instances are"
                        + " limited to this account and region (and to a tag when instanceTag is"
                        + " set), and the documents to the updater's own fixed-command ones.")
                .appliesTo(
                    List.of(RegexAppliesTo.builder().regex(nagResource("ec2", "instance")).build()))
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "ecs:ListServices, ssm:ListCommands and ssm:GetCommandInvocation support no"
                        + " resource type, so IAM accepts only \"*\" for them; ListServices is"
                        + " limited to the managed clusters by its ecs:cluster condition, and the"
                        + " two SSM actions only read command results.")
                .appliesTo(List.of("Resource::*"))
                .build()),
        true);
  }

  /**
   * A cdk-nag pattern for the finding on {@code
   * arn:<partition>:<service>:<region>:<account>:<type>/*}, whether partition, region and account
   * are known at synth time or CloudFormation pseudo parameters.
   */
  private static String nagResource(String service, String typePattern) {
    return "/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):"
        + service
        + ":(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):"
        + typePattern
        + "\\/\\*$/";
  }

  /**
   * The function jar this repository builds ({@value #FUNCTION_JAR}), looked up from the working
   * directory and from its parent, so that both the repository root and {@code infra/} work.
   *
   * @throws IllegalStateException when the jar has not been built
   */
  public static Code defaultCode() {
    Path workingDirectory = Path.of("").toAbsolutePath();
    return Code.fromAsset(
        locateJar(workingDirectory)
            .orElseThrow(() -> new IllegalStateException(missingJarProblem(workingDirectory)))
            .toString());
  }

  /** The function jar under {@code directory} or under its parent. */
  static Optional<Path> locateJar(Path directory) {
    for (Path base : new Path[] {directory, directory.getParent()}) {
      if (base != null && Files.isRegularFile(base.resolve(FUNCTION_JAR))) {
        return Optional.of(base.resolve(FUNCTION_JAR));
      }
    }
    return Optional.empty();
  }

  static String missingJarProblem(Path directory) {
    return "code: the function jar "
        + FUNCTION_JAR
        + " is neither in "
        + directory
        + " nor in its parent; build it with ./mvnw -pl lambda package from the repository root,"
        + " or pass code(Code.fromAsset(\"<path to the jar>\"))";
  }

  // ---- validation ------------------------------------------------------------------------------

  private static void checkClusters(Stack stack, List<String> arns, List<String> problems) {
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
        continue;
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
      String region = stack.getRegion();
      String account = stack.getAccount();
      if (!Token.isUnresolved(region) && !region.equals(m.group(2))) {
        problems.add(
            "clusterArns: '"
                + arn
                + "' is in region "
                + m.group(2)
                + " but the stack deploys to "
                + region
                + "; deploy the stack to the clusters' region");
      }
      if (!Token.isUnresolved(account) && !account.equals(m.group(3))) {
        problems.add(
            "clusterArns: '"
                + arn
                + "' is in account "
                + m.group(3)
                + " but the stack deploys to "
                + account
                + "; deploy the stack to the clusters' account");
      }
    }
    if (locations.size() > 1) {
      problems.add(
          "clusterArns: the clusters are in "
              + String.join(" and ", locations)
              + "; one updater manages the clusters of one account and region, so deploy one"
              + " stack per region and account");
    }
  }

  private static void checkFunction(BottlerocketEcsUpdaterProps props, List<String> problems) {
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

  private static void checkConcurrency(BottlerocketEcsUpdaterProps props, List<String> problems) {
    if (props.isConcurrencyGuard()) {
      return;
    }
    if (props.isEcsEventTrigger()) {
      problems.add(
          "ecsEventTrigger: without the concurrency guard an ECS event can start a pass while"
              + " another one runs; set ecsEventTrigger(false), or keep concurrencyGuard(true) and"
              + " raise the account's Lambda concurrency quota");
    }
    String expression = props.getSchedule().getExpressionString();
    Optional<java.time.Duration> gap = ScheduleExpressions.shortestGap(expression);
    if (gap.isEmpty() || gap.get().compareTo(FUNCTION_TIMEOUT) < 0) {
      problems.add(
          "schedule: '"
              + expression
              + "' "
              + (gap.isEmpty()
                  ? "has ticks whose distance cannot be read"
                  : "can start a pass while the previous one still runs")
              + "; without the concurrency guard the ticks must be at least "
              + FUNCTION_TIMEOUT.toMinutes()
              + " minutes apart, e.g. rate("
              + FUNCTION_TIMEOUT.toMinutes()
              + " minutes) or cron(0 * * * ? *)");
    }
  }

  private void checkDocumentPrefix(Stack stack, String prefix, List<String> problems) {
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
    for (IConstruct other : stack.getNode().findAll()) {
      if (other != this
          && other instanceof BottlerocketEcsUpdater updater
          && prefix.equals(updater.documentPrefix)) {
        problems.add(
            "documentPrefix: '"
                + prefix
                + "' is already used by "
                + updater.getNode().getPath()
                + "; SSM document names are unique per account and region, so pass another"
                + " documentPrefix");
      }
    }
  }

  private static void checkInstanceTag(BottlerocketEcsUpdaterProps props, List<String> problems) {
    Optional<String> key = props.getInstanceTagKey();
    if (key.isEmpty()) {
      return;
    }
    if (key.get().isBlank() || key.get().length() > 128) {
      problems.add("instanceTag: the key must have 1 to 128 characters, got '" + key.get() + "'");
    }
    String value = props.getInstanceTagValue().orElse("");
    if (value.length() > 256) {
      problems.add("instanceTag: the value must have at most 256 characters");
    }
  }

  /** Runs the function's own configuration parser over the settings that are known now. */
  private static void checkSettings(Map<String, String> environment, List<String> problems) {
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
    for (Map.Entry<Setting, String> e : PROP_OF_SETTING.entrySet()) {
      if (settingProblem.startsWith(e.getKey().key() + " ")) {
        return e.getValue();
      }
    }
    return "props";
  }

  private static Map<Setting, String> propOfSetting() {
    Map<Setting, String> m = new EnumMap<>(Setting.class);
    m.put(Setting.MAX_CONCURRENT, "maxConcurrent");
    m.put(Setting.FAILURE_BUDGET, "failureBudget");
    m.put(Setting.CHECK_INTERVAL, "checkInterval");
    m.put(Setting.DRAIN_TIMEOUT, "drainTimeout");
    m.put(Setting.REBOOT_TIMEOUT, "rebootTimeout");
    m.put(Setting.MAINTENANCE_WINDOW, "maintenanceWindow");
    m.put(Setting.MAINTENANCE_TIMEZONE, "maintenanceTimezone");
    m.put(Setting.PAUSED, "paused");
    m.put(Setting.SSM_DOCUMENT_PREFIX, "documentPrefix");
    m.put(Setting.EVENT_BUS, "eventBus");
    m.put(Setting.METRICS_NAMESPACE, "metricsNamespace");
    m.put(Setting.ALLOWED_CLUSTERS, "clusters");
    return Collections.unmodifiableMap(m);
  }

  // ---- resources -------------------------------------------------------------------------------

  /** The function's settings: every one that a prop decides, written out even when default. */
  private static Map<String, String> environment(
      BottlerocketEcsUpdaterProps props, List<String> arns, String prefix, String eventBusName) {
    Map<String, String> env = new TreeMap<>();
    env.put(Setting.MAX_CONCURRENT.key(), Integer.toString(props.getMaxConcurrent()));
    env.put(Setting.FAILURE_BUDGET.key(), Integer.toString(props.getFailureBudget()));
    env.put(Setting.CHECK_INTERVAL.key(), durationSetting(props.getCheckInterval()));
    env.put(Setting.DRAIN_TIMEOUT.key(), durationSetting(props.getDrainTimeout()));
    env.put(Setting.REBOOT_TIMEOUT.key(), durationSetting(props.getRebootTimeout()));
    String window = props.getMaintenanceWindow().strip();
    env.put(Setting.MAINTENANCE_WINDOW.key(), window.isEmpty() ? "always" : window);
    env.put(Setting.MAINTENANCE_TIMEZONE.key(), props.getMaintenanceTimezone());
    env.put(Setting.PAUSED.key(), Boolean.toString(props.isPaused()));
    env.put(Setting.SSM_DOCUMENT_PREFIX.key(), prefix);
    env.put(Setting.EVENT_BUS.key(), eventBusName);
    env.put(Setting.METRICS_NAMESPACE.key(), props.getMetricsNamespace());
    env.put(Setting.ALLOWED_CLUSTERS.key(), String.join(",", arns));
    return env;
  }

  /** A duration in the function's syntax, in the largest unit that keeps it whole. */
  static String durationSetting(Duration duration) {
    long millis = duration.toMilliseconds().longValue();
    if (millis > 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis > 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis > 0 && millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /**
   * For a stack that does not know its region or account at synth time, makes CloudFormation refuse
   * to deploy it anywhere but where the clusters are.
   */
  private void guardClusterLocation(Stack stack, List<String> arns) {
    Optional<Matcher> first =
        arns.stream()
            .filter(a -> !Token.isUnresolved(a))
            .map(CLUSTER_ARN::matcher)
            .filter(Matcher::matches)
            .findFirst();
    if (first.isEmpty()
        || (!Token.isUnresolved(stack.getRegion()) && !Token.isUnresolved(stack.getAccount()))) {
      return;
    }
    String region = first.get().group(2);
    String account = first.get().group(3);
    CfnRule.Builder.create(this, "ClusterLocationRule")
        .assertions(
            List.of(
                CfnRuleAssertion.builder()
                    .assertValue(Fn.conditionEquals(Aws.REGION, region))
                    .assertDescription(
                        "The managed clusters are in " + region + "; deploy this stack there.")
                    .build(),
                CfnRuleAssertion.builder()
                    .assertValue(Fn.conditionEquals(Aws.ACCOUNT_ID, account))
                    .assertDescription(
                        "The managed clusters are in account "
                            + account
                            + "; deploy this stack there.")
                    .build()))
        .build();
  }

  private Map<HostCommand, CfnDocument> createDocuments(String prefix) {
    Map<HostCommand, CfnDocument> docs = new EnumMap<>(HostCommand.class);
    for (HostCommand command : HostCommand.values()) {
      Map<String, Object> inputs = new LinkedHashMap<>();
      inputs.put("timeoutSeconds", COMMAND_TIMEOUT_SECONDS);
      inputs.put("runCommand", command.lines());
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("action", "aws:runShellScript");
      step.put("name", command.name().toLowerCase(Locale.ROOT));
      step.put("precondition", Map.of("StringEquals", List.of("platformType", "Linux")));
      step.put("inputs", inputs);
      Map<String, Object> content = new LinkedHashMap<>();
      content.put("schemaVersion", "2.2");
      content.put(
          "description",
          "Bottlerocket ECS updater, command "
              + command.documentSuffix()
              + ": fixed apiclient lines, no parameters.");
      content.put("mainSteps", List.of(step));
      docs.put(
          command,
          CfnDocument.Builder.create(this, command.documentSuffix() + "Document")
              .name(command.documentName(prefix))
              .documentType("Command")
              .documentFormat("JSON")
              .targetType("/AWS::EC2::Instance")
              // With the explicit name, "Replace" could not update a changed document; a new
              // version becomes the default version that SendCommand runs.
              .updateMethod("NewVersion")
              .content(content)
              .build());
    }
    return Collections.unmodifiableMap(docs);
  }

  private Rule createEcsEventRule() {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("clusterArn", clusterArns);
    // Only instances that carry the updater's state attribute: the agent reconnects several times
    // an hour on every instance.
    detail.put("attributes", Map.of("name", List.of(StateAttributes.STATE)));
    return Rule.Builder.create(this, "EcsEventRule")
        .description(
            "Starts a Bottlerocket ECS updater pass when an instance it is updating changes state")
        .eventPattern(
            EventPattern.builder()
                .source(List.of("aws.ecs"))
                .detailType(List.of("ECS Container Instance State Change"))
                .detail(detail)
                .build())
        .targets(
            List.of(
                new LambdaFunction(
                    function, LambdaFunctionProps.builder().retryAttempts(0).build())))
        .build();
  }

  private static IMetric updaterMetric(
      String namespace, String name, String statistic, java.time.Duration period) {
    return Metric.Builder.create()
        .namespace(namespace)
        .metricName(name)
        .statistic(statistic)
        .period(Duration.seconds(period.toSeconds()))
        .build();
  }

  private Alarm alarm(String id, IMetric metric, int evaluationPeriods, String description) {
    return Alarm.Builder.create(this, id)
        .metric(metric)
        .threshold(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .evaluationPeriods(evaluationPeriods)
        .datapointsToAlarm(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .alarmDescription(description)
        .build();
  }

  /**
   * One schedule interval per alarm period, so that a period normally holds a pass: the interval of
   * a rate, an hour for a cron schedule, never more than {@link #LONGEST_ALARM_PERIOD}.
   */
  static java.time.Duration alarmPeriod(Schedule schedule) {
    java.time.Duration period =
        ScheduleExpressions.rate(schedule.getExpressionString()).orElse(CRON_ALARM_PERIOD);
    return period.compareTo(LONGEST_ALARM_PERIOD) > 0 ? LONGEST_ALARM_PERIOD : period;
  }

  // ---- created resources -----------------------------------------------------------------------

  /** The updater function. */
  public Function getFunction() {
    return function;
  }

  /** The function's execution role. */
  public Role getRole() {
    return role;
  }

  /** The function's log group. */
  public LogGroup getLogGroup() {
    return logGroup;
  }

  /** The SSM document of each host command. */
  public Map<HostCommand, CfnDocument> getDocuments() {
    return documents;
  }

  /** The prefix of the SSM document names, as the function's {@code SSM_DOCUMENT_PREFIX}. */
  public String getDocumentPrefix() {
    return documentPrefix;
  }

  /** The managed clusters' ARNs. */
  public List<String> getClusterArns() {
    return clusterArns;
  }

  /** The rule that starts a pass on every tick of the schedule. */
  public Rule getScheduleRule() {
    return scheduleRule;
  }

  /** The rule that starts a pass on ECS container instance events, when enabled. */
  public Optional<Rule> getEcsEventRule() {
    return ecsEventRule;
  }

  /** Alarm on failed instance updates. */
  public Alarm getUpdatesFailedAlarm() {
    return updatesFailedAlarm;
  }

  /** Alarm on an open circuit breaker in any managed cluster. */
  public Alarm getCircuitBreakerAlarm() {
    return circuitBreakerAlarm;
  }

  /** Alarm on failed invocations of the function. */
  public Alarm getFunctionErrorsAlarm() {
    return functionErrorsAlarm;
  }
}
