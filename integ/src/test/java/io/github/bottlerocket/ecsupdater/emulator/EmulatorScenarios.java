package io.github.bottlerocket.ecsupdater.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bottlerocket.ecsupdater.aws.AwsClients;
import io.github.bottlerocket.ecsupdater.aws.EcsAdapter;
import io.github.bottlerocket.ecsupdater.aws.SsmAdapter;
import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.handler.UpdaterHandler;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.port.ClusterNotFoundException;
import io.github.bottlerocket.ecsupdater.port.EcsPort.InstanceAttribute;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ssm.model.Command;

/**
 * The updater against an AWS emulator written by others, which checks our use of the ECS and SSM
 * APIs independently of our own reading of them. Subclasses only say where the emulator is and how
 * to clear it; every scenario sets its cluster up through the plain SDK and asserts on what the
 * emulator holds afterwards, read back through the SDK, not only on the updater's report.
 *
 * <p>No emulator runs Bottlerocket: every SSM command succeeds with empty output. So the updater is
 * driven through a whole pass only as far as the update check; the steps after it are proved here
 * one adapter call at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmulatorScenarios {
  static final Region REGION = Region.US_EAST_1;

  /** Emulators accept any credentials; these keep the SDK away from the machine's own. */
  static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String VARIANT = "aws-ecs-2";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Pass durations for a virtual clock: only the number of polls matters. */
  private static final Map<String, String> SETTINGS =
      Map.of("POLL_INTERVAL", "10ms", "CHECK_TIMEOUT", "1s");

  /** Where an emulator is known to answer differently from AWS in a way a scenario can see. */
  enum Deviation {
    /**
     * DeleteAttributes removes an attribute only when the request repeats its value. AWS asks for
     * the name and target only ("don't specify the value"), which is what the updater sends.
     */
    DELETE_ATTRIBUTES_NEEDS_VALUE,
    /**
     * ListCommandInvocations is not implemented: HTTP 500 with an HTML page and no error code. The
     * updater reads a check's replies one GetCommandInvocation each there.
     */
    LIST_COMMAND_INVOCATIONS_NOT_SERVED
  }

  /** The emulator's endpoint for every service. */
  protected abstract URI endpoint();

  /** Clears what earlier scenarios left in the emulator. */
  protected abstract void reset();

  /** Where this emulator differs from AWS; none unless a subclass knows better. */
  protected Set<Deviation> deviations() {
    return Set.of();
  }

  EmulatorCluster emulator;
  RequestLog requests;
  AwsClients clients;
  String clusterName;
  String cluster;

  @BeforeEach
  void createCluster() throws IOException {
    reset();
    emulator = new EmulatorCluster(endpoint(), REGION, CREDENTIALS);
    requests = new RequestLog(endpoint());
    clients =
        new AwsClients(
            Optional.of(requests.endpoint()), Optional.of(REGION), Optional.of(CREDENTIALS));
    // A fresh name per scenario, so that an emulator without a reset starts clean as well.
    clusterName = "updater-" + UUID.randomUUID().toString().substring(0, 8);
    cluster = emulator.createCluster(clusterName);
  }

  @AfterEach
  void closeClients() {
    clients.close();
    requests.close();
    emulator.close();
  }

  // ------------------------------------------------------------------ a whole pass

  /** 105 Bottlerocket hosts (three SendCommand batches, two Describe batches) and five others. */
  private record LargeCluster(
      List<String> bottlerocket, List<String> others, JsonNode report, String log) {
    List<String> all() {
      List<String> all = new ArrayList<>(bottlerocket);
      all.addAll(others);
      return all;
    }
  }

  private LargeCluster passOverALargeCluster() throws IOException {
    List<String> bottlerocket = emulator.register(cluster, 105, VARIANT);
    List<String> others = emulator.register(cluster, 5, null);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    JsonNode reply = invoke(handler(log), "{\"cluster\":\"" + cluster + "\"}");
    return new LargeCluster(
        bottlerocket, others, reply.path("reports").get(0), log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aPassReportsEveryBottlerocketHostsUnparseableCheckAndEveryOtherHostAsNotBottlerocket()
      throws IOException {
    LargeCluster c = passOverALargeCluster();

    assertThat(c.report().path("stopReason").asText()).isEqualTo("SETTLED");
    assertThat(c.report().has("error")).isFalse();
    Map<String, JsonNode> lines = new HashMap<>();
    c.report()
        .path("instances")
        .forEach(i -> lines.put(i.path("containerInstanceArn").asText(), i));
    // One line per instance: the one listing holds each instance once.
    assertThat(c.report().path("instances")).hasSize(110);
    assertThat(lines.keySet()).containsExactlyInAnyOrderElementsOf(c.all());
    assertThat(c.bottlerocket())
        .allSatisfy(
            arn -> {
              JsonNode line = lines.get(arn);
              assertThat(line.path("outcome").asText()).isEqualTo("SKIPPED");
              assertThat(line.path("reason").asText()).isEqualTo("CHECK_FAILED");
              assertThat(line.path("detail").asText())
                  .isEqualTo("UNPARSEABLE: the command printed nothing on standard output");
              assertThat(line.path("variant").asText()).isEqualTo(VARIANT);
            });
    assertThat(c.others())
        .allSatisfy(
            arn -> {
              assertThat(lines.get(arn).path("outcome").asText()).isEqualTo("SKIPPED");
              assertThat(lines.get(arn).path("reason").asText()).isEqualTo("NOT_BOTTLEROCKET");
            });
    // The one change: each failed check is recorded on its host, to be shown until a check works.
    assertThat(c.report().path("changes")).hasSize(c.bottlerocket().size());
    assertThat(c.report().path("changes"))
        .allSatisfy(change -> assertThat(change.path("change").asText()).isEqualTo("CHECK_FAILED"));
  }

  @Test
  void aPassWithUnparseableChecksDrainsNothingAndRecordsOnlyTheFailedChecks() throws IOException {
    LargeCluster c = passOverALargeCluster();

    var after = emulator.describe(cluster, c.all());
    assertThat(after).hasSize(110);
    assertThat(after.values())
        .allSatisfy(
            ci -> {
              assertThat(ci.status()).isEqualTo("ACTIVE");
              List<String> ours =
                  ci.attributes().stream()
                      .filter(a -> a.name().startsWith(StateAttributes.ATTRIBUTE_PREFIX))
                      .map(a -> a.name() + "=" + a.value().split("/")[1])
                      .toList();
              assertThat(ours)
                  .isEqualTo(
                      c.bottlerocket().contains(ci.containerInstanceArn())
                          ? List.of(StateAttributes.FAILURE + "=CHECK_FAILED")
                          : List.of());
            });
    assertThat(requests.operations())
        .doesNotContain("ecs:DeleteAttributes", "ecs:UpdateContainerInstancesState");
  }

  @Test
  void aCheckNoHostAnsweredUsefullyIsNotRecordedSoTheNextPassChecksAgain() throws IOException {
    passOverALargeCluster();

    // Every reply is moto's empty output, so no host's state is known: the last-check tag stays
    // unset and the next tick checks again instead of waiting CHECK_INTERVAL.
    assertThat(emulator.tags(cluster)).doesNotContainKey(StateAttributes.LAST_CHECK_TAG);
    assertThat(requests.operations()).doesNotContain("ecs:TagResource");
  }

  @Test
  void aPassReadsMoreThanAHundredInstancesInBatchesAndChecksFiftyHostsPerCommand()
      throws IOException {
    LargeCluster c = passOverALargeCluster();

    // AWS answers ListContainerInstances a hundred at a time with a nextToken; moto returns every
    // instance in one page whatever maxResults says. The request shape is what can be checked.
    assertThat(requests.calls("ecs:ListContainerInstances"))
        .allSatisfy(
            call -> {
              assertThat(call.body().path("maxResults").asInt()).isEqualTo(100);
              assertThat(call.body().path("cluster").asText()).isEqualTo(cluster);
            });
    // One listing, without a status filter: ECS then lists every instance that is not INACTIVE.
    assertThat(requests.calls("ecs:ListContainerInstances"))
        .extracting(call -> call.body().has("status"))
        .containsExactly(false);
    // The listing describes all 110; the observation after the failed checks were recorded
    // describes again only the 105 hosts whose records changed.
    assertThat(requests.calls("ecs:DescribeContainerInstances"))
        .extracting(call -> call.body().path("containerInstances").size())
        .containsExactly(100, 10, 100, 5);
    List<RequestLog.Call> sends = requests.calls("ssm:SendCommand");
    assertThat(sends)
        .extracting(call -> call.body().path("InstanceIds").size())
        .containsExactly(50, 50, 5);
    assertThat(sends)
        .allSatisfy(
            call -> {
              assertThat(call.body().path("DocumentName").asText())
                  .isEqualTo(SsmAdapter.RUN_SHELL_SCRIPT);
              assertThat(texts(call.body().path("Parameters").path("commands")))
                  .isEqualTo(HostCommand.CHECK.lines());
            });
    Set<String> checked = new HashSet<>();
    sends.forEach(call -> checked.addAll(texts(call.body().path("InstanceIds"))));
    Set<String> bottlerocketHosts = new HashSet<>();
    emulator
        .describe(cluster, c.bottlerocket())
        .values()
        .forEach(ci -> bottlerocketHosts.add(ci.ec2InstanceId()));
    assertThat(checked).isEqualTo(bottlerocketHosts);
    if (deviations().contains(Deviation.LIST_COMMAND_INVOCATIONS_NOT_SERVED)) {
      assertThat(requests.calls("ssm:GetCommandInvocation"))
          .extracting(call -> call.body().path("InstanceId").asText())
          .containsExactlyInAnyOrderElementsOf(bottlerocketHosts);
    } else {
      assertThat(requests.calls("ssm:ListCommandInvocations"))
          .allSatisfy(call -> assertThat(call.body().path("Details").asBoolean()).isTrue());
    }
  }

  @Test
  void aChecksRepliesAreReadInPagesOrOneByOneWhereTheEmulatorDoesNotPageThem() {
    List<String> hosts =
        emulator.register(cluster, 3, VARIANT).stream()
            .map(arn -> emulator.ec2InstanceId(cluster, arn))
            .toList();
    SsmAdapter ssm = new SsmAdapter(clients.ssm(), Optional.empty(), Duration.ofMinutes(10));
    String first = ssm.sendCommand(HostCommand.CHECK, hosts, "c");
    String second = ssm.sendCommand(HostCommand.CHECK, hosts, "c");

    List<CommandInvocation> replies = ssm.invocations(first, hosts);
    List<CommandInvocation> again = ssm.invocations(second, hosts);

    assertThat(replies).extracting(CommandInvocation::instanceId).containsExactlyElementsOf(hosts);
    assertThat(replies)
        .extracting(CommandInvocation::status)
        .containsOnly(InvocationStatus.SUCCESS);
    assertThat(again).extracting(CommandInvocation::status).containsOnly(InvocationStatus.SUCCESS);
    List<RequestLog.Call> listings = requests.calls("ssm:ListCommandInvocations");
    if (deviations().contains(Deviation.LIST_COMMAND_INVOCATIONS_NOT_SERVED)) {
      // The SDK retries the 500 before the adapter gives up on the call; the second command is
      // read one by one straight away.
      assertThat(listings)
          .isNotEmpty()
          .allSatisfy(call -> assertThat(call.status()).isEqualTo(500));
      assertThat(listings)
          .allSatisfy(call -> assertThat(call.body().path("CommandId").asText()).isEqualTo(first));
      assertThat(requests.calls("ssm:GetCommandInvocation")).hasSize(6);
    } else {
      assertThat(listings).hasSize(2);
      assertThat(requests.calls("ssm:GetCommandInvocation")).isEmpty();
    }
  }

  @Test
  void aPassSendsItsEventsTenToACallAndLogsNoWarning() throws IOException {
    LargeCluster c = passOverALargeCluster();

    List<RequestLog.Call> puts = requests.calls("events:PutEvents");
    assertThat(puts).allSatisfy(call -> assertThat(call.status()).isEqualTo(200));
    List<String> types = new ArrayList<>();
    puts.forEach(
        call -> {
          assertThat(call.body().path("Entries").size()).isBetween(1, 10);
          call.body().path("Entries").forEach(e -> types.add(e.path("DetailType").asText()));
        });
    // One event per recorded failed check, then the pass's summary.
    assertThat(types).hasSize(c.bottlerocket().size() + 1);
    assertThat(types.subList(0, c.bottlerocket().size()))
        .containsOnly("Bottlerocket Update Phase Changed");
    assertThat(types.get(types.size() - 1)).isEqualTo("Bottlerocket Updater Pass Finished");
    assertThat(c.log()).doesNotContain("\"level\":\"WARN\"").doesNotContain("\"level\":\"ERROR\"");
  }

  @Test
  void aPassOverAnUnknownClusterFailsTheInvocationAndTouchesNothing() {
    UpdaterHandler handler = handler(new ByteArrayOutputStream());

    assertThatThrownBy(() -> invoke(handler, "{\"cluster\":\"no-such-cluster\"}"))
        .isInstanceOf(UpdaterHandler.PassFailedException.class)
        .hasMessage(
            "No pass completed: no-such-cluster: ecs:DescribeClusters failed: cluster 'no-such-cluster' was not found (MISSING); "
                + "check the name or ARN, the account and the region (the resource does not exist (any more))");
    assertThat(emulator.clusters())
        .contains(cluster)
        .noneMatch(arn -> arn.endsWith("/no-such-cluster"));
    assertThat(requests.operations())
        .filteredOn(op -> op.startsWith("ecs:"))
        .containsExactly("ecs:DescribeClusters");
  }

  // ------------------------------------------------------------------ the ECS adapter

  @Test
  void anUnknownClusterIsNotFoundByItsName() {
    EcsAdapter ecs = new EcsAdapter(clients.ecs());

    assertThatThrownBy(() -> ecs.describeCluster("no-such-cluster"))
        .isInstanceOf(ClusterNotFoundException.class)
        .hasMessage(
            "ecs:DescribeClusters failed: cluster 'no-such-cluster' was not found (MISSING); "
                + "check the name or ARN, the account and the region (the resource does not exist (any more))");
  }

  @Test
  void theUpdatersAttributesAreWrittenAndListedWithTheInstance() {
    List<String> arns = emulator.register(cluster, 2, VARIANT);
    EcsAdapter ecs = new EcsAdapter(clients.ecs());
    String state = "STAGING/1.20.0/1.20.1/1764151200000/-/cmd-1";
    String failure = "DRAIN_TIMEOUT/DRAINING/1.20.1/1764151200000/1";

    // The adapter names the instance by its full ARN and no target type, a form AWS and moto both
    // accept; moto refuses the full ARN together with targetType=container-instance.
    ecs.putAttributes(
        cluster,
        List.of(
            new InstanceAttribute(arns.get(0), StateAttributes.STATE, state),
            new InstanceAttribute(arns.get(0), StateAttributes.FAILURE, failure)));

    assertThat(emulator.attributes(cluster, arns.get(0)))
        .containsEntry(StateAttributes.STATE, state)
        .containsEntry(StateAttributes.FAILURE, failure)
        .containsEntry(ContainerInstance.VARIANT_ATTRIBUTE, VARIANT);
    assertThat(emulator.attributes(cluster, arns.get(1)))
        .doesNotContainKeys(StateAttributes.STATE, StateAttributes.FAILURE);
    Map<String, ContainerInstance> listed = new HashMap<>();
    ecs.listContainerInstances(cluster).forEach(i -> listed.put(i.arn(), i));
    assertThat(listed.get(arns.get(0)).attributes())
        .isEqualTo(
            Map.of(
                StateAttributes.STATE,
                state,
                StateAttributes.FAILURE,
                failure,
                ContainerInstance.VARIANT_ATTRIBUTE,
                VARIANT));
    assertThat(listed.get(arns.get(1)).attributes())
        .isEqualTo(Map.of(ContainerInstance.VARIANT_ATTRIBUTE, VARIANT));
  }

  @Test
  void theUpdatersAttributesAreDeletedByName() {
    String arn = emulator.register(cluster, 1, VARIANT).get(0);
    EcsAdapter ecs = new EcsAdapter(clients.ecs());
    String state = "QUEUED/1.20.0/1.20.1/1764151200000/-/-";
    ecs.putAttributes(cluster, List.of(new InstanceAttribute(arn, StateAttributes.STATE, state)));

    ecs.deleteAttributes(cluster, List.of(new InstanceAttribute(arn, StateAttributes.STATE, null)));

    if (deviations().contains(Deviation.DELETE_ATTRIBUTES_NEEDS_VALUE)) {
      // moto keeps the attribute when the request carries no value, while AWS documents
      // DeleteAttributes as taking the name and target only. The updater stays correct for AWS;
      // this pins the emulator's behaviour so the note goes when moto changes.
      assertThat(emulator.attributes(cluster, arn)).containsEntry(StateAttributes.STATE, state);
      emulator
          .ecs()
          .deleteAttributes(
              r ->
                  r.cluster(cluster)
                      .attributes(
                          Attribute.builder()
                              .name(StateAttributes.STATE)
                              .value(state)
                              .targetId(arn)
                              .build()));
    }
    assertThat(emulator.attributes(cluster, arn))
        .doesNotContainKey(StateAttributes.STATE)
        .containsEntry(ContainerInstance.VARIANT_ATTRIBUTE, VARIANT);
  }

  @Test
  void anInstanceIsDrainedAndSetActiveAgain() {
    List<String> arns = emulator.register(cluster, 2, VARIANT);
    EcsAdapter ecs = new EcsAdapter(clients.ecs());

    Map<String, String> refusedDrain =
        ecs.updateInstancesState(cluster, List.of(arns.get(0)), InstanceStatus.DRAINING);
    String whileDraining = emulator.describe(cluster, arns).get(arns.get(0)).status();
    Map<String, InstanceStatus> listedWhileDraining = new HashMap<>();
    ecs.listContainerInstances(cluster).forEach(i -> listedWhileDraining.put(i.arn(), i.status()));
    Map<String, String> refusedActive =
        ecs.updateInstancesState(cluster, List.of(arns.get(0)), InstanceStatus.ACTIVE);

    assertThat(refusedDrain).isEmpty();
    assertThat(whileDraining).isEqualTo("DRAINING");
    // The updater keeps seeing an instance it drained (moto DRAINING only flips the status; no
    // task moves).
    assertThat(listedWhileDraining)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(arns.get(0), InstanceStatus.DRAINING, arns.get(1), InstanceStatus.ACTIVE));
    assertThat(refusedActive).isEmpty();
    assertThat(emulator.describe(cluster, arns).values())
        .allSatisfy(ci -> assertThat(ci.status()).isEqualTo("ACTIVE"));
  }

  @Test
  void aStateChangeForAnInstanceTheClusterDoesNotHaveIsRefusedAsMissing() {
    // moto answers HTTP 500 with an HTML page, not a failure, while the cluster has no container
    // instance at all (a KeyError inside moto), so the cluster gets one first.
    emulator.register(cluster, 1, VARIANT);
    String ghost =
        cluster.replace(":cluster/", ":container-instance/") + "/0123456789abcdef0123456789abcdef";
    EcsAdapter ecs = new EcsAdapter(clients.ecs());

    Map<String, String> refused =
        ecs.updateInstancesState(cluster, List.of(ghost), InstanceStatus.DRAINING);

    // moto names the failure with the short ARN form (container-instance/<id>); the reason is the
    // one AWS gives.
    assertThat(refused.values()).containsExactly("MISSING");
  }

  @Test
  void theClustersUpdaterTagsAreWrittenAndReadBackWithoutOthers() {
    EcsAdapter ecs = new EcsAdapter(clients.ecs());
    emulator
        .ecs()
        .tagResource(
            r -> r.resourceArn(cluster).tags(Tag.builder().key("owner").value("platform").build()));

    ecs.tagCluster(
        cluster,
        Map.of(StateAttributes.LAST_CHECK_TAG, T0.toString(), StateAttributes.PAUSED_TAG, "true"));

    assertThat(emulator.tags(cluster))
        .containsOnly(
            Map.entry("owner", "platform"),
            Map.entry(StateAttributes.LAST_CHECK_TAG, T0.toString()),
            Map.entry(StateAttributes.PAUSED_TAG, "true"));
    var described = ecs.describeCluster(clusterName);
    assertThat(described.arn()).isEqualTo(cluster);
    assertThat(described.tags())
        .isEqualTo(
            Map.of(
                StateAttributes.LAST_CHECK_TAG, T0.toString(), StateAttributes.PAUSED_TAG, "true"));
  }

  // ------------------------------------------------------------------ the SSM adapter

  @Test
  void theCheckGoesThroughRunShellScriptWithItsFixedLinesAndTimeouts() {
    String host = emulator.ec2InstanceId(cluster, emulator.register(cluster, 1, VARIANT).get(0));
    SsmAdapter ssm = new SsmAdapter(clients.ssm(), Optional.empty(), Duration.ofMinutes(10));

    String id =
        ssm.sendCommand(
            HostCommand.CHECK, List.of(host), "bottlerocket-ecs-updater " + clusterName + " run-1");

    Command stored = emulator.command(id);
    assertThat(stored.documentName()).isEqualTo("AWS-RunShellScript");
    assertThat(stored.parameters())
        .isEqualTo(
            Map.of("commands", HostCommand.CHECK.lines(), "executionTimeout", List.of("300")));
    assertThat(stored.timeoutSeconds()).isEqualTo(600);
    assertThat(stored.comment()).isEqualTo("bottlerocket-ecs-updater " + clusterName + " run-1");
    assertThat(stored.instanceIds()).contains(host);
  }

  @ParameterizedTest
  @EnumSource(HostCommand.class)
  void withADocumentPrefixEachCommandGoesToItsOwnDocumentWithoutParameters(HostCommand command) {
    String host = emulator.ec2InstanceId(cluster, emulator.register(cluster, 1, VARIANT).get(0));
    SsmAdapter ssm =
        new SsmAdapter(clients.ssm(), Optional.of("BottlerocketUpdater-"), Duration.ofMinutes(10));

    // moto does not check that the document exists; AWS answers InvalidDocument when the
    // stack that creates the documents was not deployed.
    String id = ssm.sendCommand(command, List.of(host), "bottlerocket-ecs-updater");

    Command stored = emulator.command(id);
    assertThat(stored.documentName()).isEqualTo("BottlerocketUpdater-" + command.documentSuffix());
    assertThat(stored.parameters()).isEmpty();
  }

  @Test
  void aCheckThatPrintedNothingReadsAsSuccessAndIsUnparseable() {
    String host = emulator.ec2InstanceId(cluster, emulator.register(cluster, 1, VARIANT).get(0));
    SsmAdapter ssm = new SsmAdapter(clients.ssm(), Optional.empty(), Duration.ofMinutes(10));
    String id = ssm.sendCommand(HostCommand.CHECK, List.of(host), "c");

    CommandInvocation invocation = ssm.invocation(id, host);

    // moto answers every invocation Success with empty output; a real host prints its status.
    assertThat(invocation.status()).isEqualTo(InvocationStatus.SUCCESS);
    assertThat(invocation.stdout()).isEmpty();
    assertThat(HostReply.of(HostCommand.CHECK, invocation))
        .isEqualTo(
            new HostReply.Failed(
                HostError.of(
                    HostError.Kind.UNPARSEABLE, "the command printed nothing on standard output")));
  }

  @Test
  void anInvocationTheEmulatorDoesNotKnowIsStillPending() {
    String host = emulator.ec2InstanceId(cluster, emulator.register(cluster, 1, VARIANT).get(0));
    SsmAdapter ssm = new SsmAdapter(clients.ssm(), Optional.empty(), Duration.ofMinutes(10));
    String id = ssm.sendCommand(HostCommand.CHECK, List.of(host), "c");

    CommandInvocation invocation = ssm.invocation(id, "i-0123456789abcdef0");

    assertThat(invocation.status()).isEqualTo(InvocationStatus.PENDING);
    assertThat(requests.calls("ssm:GetCommandInvocation"))
        .singleElement()
        .satisfies(call -> assertThat(call.status()).isEqualTo(400));
  }

  @Test
  void aCommandIsCompleteOnceEveryNamedHostsInvocationEnded() {
    List<String> arns = emulator.register(cluster, 3, VARIANT);
    List<String> hosts = arns.stream().map(arn -> emulator.ec2InstanceId(cluster, arn)).toList();
    SsmAdapter ssm = new SsmAdapter(clients.ssm(), Optional.empty(), Duration.ofMinutes(10));
    String id = ssm.sendCommand(HostCommand.CHECK, hosts, "c");

    // The updater tells a check's end from its replies: every host it named has ended. An
    // emulator that also targets other instances (moto targets every EC2 instance of the region)
    // does not hold it up.
    List<CommandInvocation> replies = ssm.invocations(id, hosts);

    assertThat(replies).extracting(CommandInvocation::instanceId).containsExactlyElementsOf(hosts);
    assertThat(replies).allSatisfy(r -> assertThat(r.status().isTerminal()).isTrue());
  }

  // ------------------------------------------------------------------ helpers

  private UpdaterHandler handler(ByteArrayOutputStream log) {
    VirtualClock clock = new VirtualClock(T0);
    return new UpdaterHandler(
        SETTINGS,
        clients,
        clock,
        clock.sleeper(),
        new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  private static JsonNode invoke(UpdaterHandler handler, String payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    return JSON.readTree(out.toByteArray());
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
