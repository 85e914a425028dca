package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.ssm.CfnDocument;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * The Bottlerocket ECS updater in an account: a Java Lambda function that runs one reconcile pass
 * over each managed cluster per invocation, the rules that invoke it, the SSM documents that hold
 * the only commands it runs on hosts, the control parameter that pauses or stops it without a
 * deployment, a least-privilege role, its log group and alarms.
 *
 * <p>Decisions built in (reasons in {@code docs/infra-decisions.md}):
 *
 * <ul>
 *   <li>Runtime {@code java25} (the jar targets Java 21 and runs unchanged on it), 15-minute
 *       timeout: the function stops starting steps before its deadline and the next invocation
 *       continues where it stopped. No SnapStart.
 *   <li>A DynamoDB table of per-cluster leases ({@link LeaseTable}): every pass that may change a
 *       cluster takes the cluster's lease first, so two passes never change one cluster at once,
 *       whoever started them (schedule, ECS event, a person, the command-line runner). Reserved
 *       concurrency 1 is an option ({@link BottlerocketEcsUpdaterProps#isConcurrencyGuard()}).
 *   <li>Asynchronous invocations are not retried and wait at most {@link #MAX_EVENT_AGE} for the
 *       running pass to end: the next tick is the retry.
 *   <li>One SSM Command document per {@link HostCommand}, with its fixed lines and no parameters;
 *       the role may run no other document.
 * </ul>
 *
 * <p>Construct ids of the children are part of this construct's API: changing one replaces the
 * resource.
 */
public final class BottlerocketEcsUpdater extends Construct {
  /** The Lambda handler of the function jar. */
  public static final String HANDLER =
      "io.github.bottlerocket.ecsupdater.handler.UpdaterHandler::handleRequest";

  /** The longest run Lambda allows; the function keeps its own margin before it. */
  public static final java.time.Duration FUNCTION_TIMEOUT = java.time.Duration.ofMinutes(15);

  /** How long an asynchronous invocation may wait, e.g. behind a running pass, before it drops. */
  public static final java.time.Duration MAX_EVENT_AGE = java.time.Duration.ofMinutes(5);

  /** The control parameter's name, by default this followed by the stack name and "/control". */
  public static final String CONTROL_PARAMETER_PREFIX = "/bottlerocket-ecs-updater/";

  /** The control parameter's value when the stack creates it: passes run normally. */
  public static final String CONTROL_RUN = "run";

  /** The tag that every resource of this construct carries, with the construct's path. */
  public static final String COMPONENT_TAG = "bottlerocket-ecs-updater:component";

  /** The id of the warning that {@code instanceTag} is not set. */
  public static final String INSTANCE_TAG_WARNING = "bottlerocket-ecs-updater:instanceTagUnset";

  private final String documentPrefix;
  private final List<String> clusterArns;
  private final String controlParameterName;
  private final String leaseTableName;
  private final Table leaseTable;
  private final FanOutQueue fanOut;
  private final String fanOutQueueName;
  private final EventSourceMapping fanOutMapping;
  private final Role role;
  private final LogGroup logGroup;
  private final Function function;
  private final Map<HostCommand, CfnDocument> documents;
  private final StringParameter controlParameter;
  private final Rule scheduleRule;
  private final Optional<Rule> ecsEventRule;
  private final UpdaterAlarms alarms;

  public BottlerocketEcsUpdater(Construct scope, String id, BottlerocketEcsUpdaterProps props) {
    super(scope, id);
    Stack stack = Stack.of(this);
    List<String> arns = new ArrayList<>(props.getClusterArns());
    props.getClusters().forEach(c -> arns.add(c.getClusterArn()));
    String prefix = props.getDocumentPrefix().orElseGet(() -> stack.getStackName() + "-");
    String parameterName =
        props
            .getControlParameterName()
            .orElseGet(() -> CONTROL_PARAMETER_PREFIX + stack.getStackName() + "/control");
    String tableName = props.getLeaseTableName().orElseGet(() -> prefix + "Leases");
    String queueName = props.getFanOutQueueName().orElseGet(() -> prefix + "FanOut.fifo");

    // Everything is checked before the first resource exists.
    PropsCheck.check(
        this,
        stack,
        props,
        arns,
        prefix,
        parameterName,
        tableName,
        queueName,
        FunctionSettings.environment(
            props,
            new FunctionSettings.Derived(
                prefix, "default", String.join(",", arns), parameterName, tableName, queueName)));
    Code code = props.getCode().orElseGet(BundledFunction::code);

    this.documentPrefix = prefix;
    this.clusterArns = List.copyOf(arns);
    this.controlParameterName = parameterName;
    this.leaseTableName = tableName;
    this.fanOutQueueName = queueName;
    ClusterLocation.guard(this, stack, clusterArns);

    Optional<IEventBus> bus =
        props.isPublishEvents()
            ? Optional.of(
                props
                    .getEventBus()
                    .orElseGet(() -> EventBus.fromEventBusName(this, "EventBus", "default")))
            : Optional.empty();
    this.logGroup =
        LogGroup.Builder.create(this, "LogGroup")
            .retention(props.getLogRetention())
            .removalPolicy(props.getLogRemovalPolicy())
            .build();
    this.documents = HostCommandDocuments.create(this, prefix);
    this.leaseTable = LeaseTable.create(this, tableName);
    this.fanOut = FanOutQueue.create(this, queueName);
    this.controlParameter =
        StringParameter.Builder.create(this, "ControlParameter")
            .parameterName(parameterName)
            .stringValue(CONTROL_RUN)
            .description(
                "Bottlerocket ECS updater switch, read at every pass: run, pause (nothing new"
                    + " starts) or stop (nothing changes)")
            .build();
    this.role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description(
                "Bottlerocket ECS updater: updates the container instances of its clusters")
            .build();
    GatePermissions gatePermissions =
        new GatePermissions(
            stack,
            FunctionSettings.environment(
                props,
                new FunctionSettings.Derived(
                    prefix,
                    "default",
                    String.join(",", clusterArns),
                    parameterName,
                    leaseTableName,
                    fanOutQueueName)),
            props.getAlarms());
    new UpdaterPermissions(
            stack,
            clusterArns,
            documents.values().stream().map(CfnDocument::getName).toList(),
            bus.map(IEventBus::getEventBusArn),
            logGroup.getLogGroupArn(),
            controlParameter.getParameterArn(),
            leaseTable.getTableArn(),
            fanOut.queue.getQueueArn(),
            props
                .getInstanceTagKey()
                .map(
                    k ->
                        new UpdaterPermissions.InstanceTag(
                            k, props.getInstanceTagValue().orElse(""))),
            instanceGates(props))
        .withGateTags(gatePermissions.tagKeys())
        .statements()
        .forEach(role::addToPrincipalPolicy);
    gatePermissions.statements().forEach(role::addToPrincipalPolicy);

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
            .code(code)
            .role(role)
            .logGroup(logGroup)
            .environment(
                FunctionSettings.environment(
                    props,
                    new FunctionSettings.Derived(
                        prefix,
                        bus.map(IEventBus::getEventBusName).orElse("none"),
                        String.join(",", clusterArns),
                        parameterName,
                        tableName,
                        queueName)))
            .reservedConcurrentExecutions(props.isConcurrencyGuard() ? 1 : null)
            .retryAttempts(0)
            .maxEventAge(Duration.seconds(MAX_EVENT_AGE.toSeconds()))
            .build();

    this.fanOutMapping = fanOut.deliverTo(function, props.getClusterConcurrency());
    this.scheduleRule = UpdaterRules.schedule(this, props.getSchedule(), function, clusterArns);
    this.ecsEventRule =
        props.isEcsEventTrigger()
            ? Optional.of(UpdaterRules.ecsEvents(this, function, clusterArns))
            : Optional.empty();
    this.alarms =
        UpdaterAlarms.create(
            this,
            props.getSetting(Setting.METRICS_NAMESPACE),
            props.getSchedule(),
            function,
            props.getAlarmTopic());

    NagAcknowledgements.acknowledgeWildcards(
        role, gatePermissions.readsReleases(), gatePermissions.readsAlarmPrefix());
    Tags.of(this).add(COMPONENT_TAG, getNode().getPath());
    props.getTags().forEach((k, v) -> Tags.of(this).add(k, v));
    if (props.getInstanceTagKey().isEmpty()) {
      Annotations.of(this)
          .addWarningV2(
              INSTANCE_TAG_WARNING,
              "instanceTag is not set, so the role keeps ssm:SendCommand on every EC2 instance of"
                  + " the account and region (for the updater's six documents only, Reboot"
                  + " among them). Set instanceTag (-c instanceTag=key=value) to a tag that only"
                  + " the clusters' instances carry.");
    }
  }

  /** Which instance gates are on, as the function's own parser reads their settings. */
  private static UpdaterPermissions.InstanceGates instanceGates(BottlerocketEcsUpdaterProps props) {
    Settings s =
        Settings.fromEnvironment(
            Map.of(
                Setting.TASK_PROTECTION.key(),
                props.getSetting(Setting.TASK_PROTECTION),
                Setting.SCALE_IN_SHIELD.key(),
                props.getSetting(Setting.SCALE_IN_SHIELD)));
    return new UpdaterPermissions.InstanceGates(s.respectTaskProtection(), s.scaleInShield());
  }

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

  /** The stack-wide switch the function reads at every pass ({@code CONTROL_PARAMETER}). */
  public StringParameter getControlParameter() {
    return controlParameter;
  }

  /** The control parameter's name, known at synth time. */
  public String getControlParameterName() {
    return controlParameterName;
  }

  /** The table of the per-cluster leases ({@code LEASE_TABLE}). */
  public Table getLeaseTable() {
    return leaseTable;
  }

  /** The queue a schedule tick fans out to, one message per cluster ({@code FAN_OUT_QUEUE}). */
  public Queue getFanOutQueue() {
    return fanOut.queue;
  }

  /** Where the fan-out queue's messages go after their last delivery failed. */
  public Queue getFanOutDeadLetterQueue() {
    return fanOut.deadLetters;
  }

  /** The mapping that has the function read the fan-out queue. */
  public EventSourceMapping getFanOutMapping() {
    return fanOutMapping;
  }

  /** The fan-out queue's name, known at synth time. */
  public String getFanOutQueueName() {
    return fanOutQueueName;
  }

  /** The lease table's name, known at synth time. */
  public String getLeaseTableName() {
    return leaseTableName;
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
    return alarms.updatesFailed();
  }

  /** Alarm on an open circuit breaker in any managed cluster. */
  public Alarm getCircuitBreakerAlarm() {
    return alarms.circuitBreaker();
  }

  /** Alarm on failed invocations of the function. */
  public Alarm getFunctionErrorsAlarm() {
    return alarms.functionErrors();
  }
}
