package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandFilter;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.CommandPlugin;
import software.amazon.awssdk.services.ssm.model.GetCalendarStateResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

/**
 * The simulated SSM's ListCommandInvocations, Parameter Store and Change Calendar answer the SDK as
 * AWS does: limits, paging, error codes and the shape of what they return.
 */
class SsmContractTest {
  private static final String BR = "/aws/service/bottlerocket/aws-ecs-2/x86_64/";

  private Simulation sim;
  private SdkClients aws;
  private SsmClient ssm;

  @BeforeEach
  void start() {
    sim = Simulation.start(Clusters.mixed(), Faults.none(43), Map.of());
    aws = new SdkClients(sim.endpoint().uri());
    ssm = aws.ssm;
  }

  @AfterEach
  void stop() {
    aws.close();
    sim.close();
  }

  private List<String> bottlerocketHosts() {
    return sim.cluster().instanceStates().stream()
        .filter(SimulatedCluster.InstanceState::bottlerocket)
        .map(SimulatedCluster.InstanceState::ec2InstanceId)
        .toList();
  }

  private String check(List<String> hosts) {
    return ssm.sendCommand(
            r ->
                r.documentName("AWS-RunShellScript")
                    .instanceIds(hosts)
                    .parameters(Map.of("commands", HostCommand.CHECK.lines())))
        .command()
        .commandId();
  }

  // ------------------------------------------------------------------ ListCommandInvocations

  @Test
  void invocationsComeInPagesWithThePluginOutputStdoutThenStderrUnderTheErrorTitle() {
    List<String> hosts = bottlerocketHosts();
    String id = check(hosts);
    sim.advance(Duration.ofSeconds(10));

    List<CommandInvocation> all =
        ssm
            .listCommandInvocationsPaginator(r -> r.commandId(id).details(true).maxResults(2))
            .commandInvocations()
            .stream()
            .toList();

    assertThat(all).extracting(CommandInvocation::instanceId).containsExactlyElementsOf(hosts);
    CommandInvocation first = all.get(0);
    var direct = ssm.getCommandInvocation(r -> r.commandId(id).instanceId(first.instanceId()));
    assertThat(first.statusAsString()).isEqualTo("Success");
    CommandPlugin plugin = first.commandPlugins().get(0);
    assertThat(plugin.name()).isEqualTo("aws:runShellScript");
    assertThat(plugin.responseCode()).isZero();
    assertThat(direct.standardErrorContent()).isNotEmpty();
    assertThat(plugin.output())
        .isEqualTo(
            direct.standardOutputContent()
                + "\n----------ERROR-------\n"
                + direct.standardErrorContent());
  }

  @Test
  void withoutDetailsTheInvocationsCarryNoPlugins() {
    String id = check(bottlerocketHosts());
    sim.advance(Duration.ofSeconds(10));

    var page = ssm.listCommandInvocations(r -> r.commandId(id));

    assertThat(page.commandInvocations()).allSatisfy(i -> assertThat(i.commandPlugins()).isEmpty());
    assertThat(page.nextToken()).isNull();
  }

  @Test
  void anInvocationIsNotListedInTheMomentAfterSendCommand() {
    String id = check(bottlerocketHosts());

    assertThat(ssm.listCommandInvocations(r -> r.commandId(id)).commandInvocations()).isEmpty();
  }

  @Test
  void aRunningInvocationIsListedWithEmptyOutput() {
    String id = check(bottlerocketHosts().subList(0, 1));
    sim.advance(Duration.ofMillis(1500));

    CommandInvocation i =
        ssm.listCommandInvocations(r -> r.commandId(id).details(true)).commandInvocations().get(0);

    assertThat(i.statusAsString()).isEqualTo("InProgress");
    assertThat(i.commandPlugins().get(0).output()).isEmpty();
  }

  @Test
  void anUnknownCommandHasNoInvocations() {
    assertThat(
            ssm.listCommandInvocations(r -> r.commandId("00000000-0000-4000-8000-000000000000"))
                .commandInvocations())
        .isEmpty();
  }

  @Test
  void eachInvocationThatEndsEmitsAStatusChangeEvent() throws Exception {
    EventFeed.Inbox inbox = sim.cluster().events().inbox();
    List<String> hosts = bottlerocketHosts().subList(0, 2);
    String id = check(hosts);
    sim.advance(Duration.ofSeconds(10));

    List<EventFeed.Event> events = inbox.drain();

    assertThat(events)
        .extracting(EventFeed.Event::detailType)
        .containsOnly(EventFeed.SSM_INVOCATION_CHANGE);
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> reported = new java.util.ArrayList<>();
    for (EventFeed.Event e : events) {
      var detail = mapper.readTree(e.json()).path("detail");
      assertThat(detail.path("command-id").asText()).isEqualTo(id);
      assertThat(detail.path("status").asText()).isEqualTo("Success");
      assertThat(e.at()).isEqualTo(Simulation.START.plusSeconds(3));
      reported.add(detail.path("instance-id").asText());
    }
    assertThat(reported).containsExactlyInAnyOrderElementsOf(hosts);
  }

  // ------------------------------------------------------------------ parameters

  @Test
  void eachPublishedReleaseHasItsPublicParametersWithItsPublishTime() {
    Instant later = Simulation.START.plus(Duration.ofHours(2));
    sim.cluster().publishRelease("1.21.0", later);

    Parameter before = ssm.getParameter(r -> r.name(BR + "latest/image_version")).parameter();
    sim.advance(Duration.ofHours(3));
    Parameter latest = ssm.getParameter(r -> r.name(BR + "latest/image_id")).parameter();
    Parameter versioned = ssm.getParameter(r -> r.name(BR + "1.21.0/image_id")).parameter();
    Parameter older = ssm.getParameter(r -> r.name(BR + "1.20.1/image_version")).parameter();
    String commit = older.value().substring("1.20.1-".length());
    Parameter withCommit =
        ssm.getParameter(r -> r.name(BR + "1.20.1-" + commit + "/image_id")).parameter();

    assertThat(before.value()).startsWith("1.20.1-");
    assertThat(latest.value()).isEqualTo(versioned.value()).startsWith("ami-");
    assertThat(latest.lastModifiedDate()).isEqualTo(later);
    assertThat(versioned.dataType()).isEqualTo("aws:ec2:image");
    Instant published =
        sim.cluster().repository.releases().stream()
            .filter(x -> x.version().equals("1.20.1"))
            .findFirst()
            .orElseThrow()
            .publishedAt();
    assertThat(older.lastModifiedDate()).isEqualTo(published);
    assertThat(commit).matches("[0-9a-f]{8}");
    assertThat(withCommit.lastModifiedDate()).isEqualTo(published);
  }

  @Test
  void aReleaseNotYetPublishedOrWithheldHasNoParameters() {
    sim.cluster().publishRelease("1.21.0", Simulation.START.plus(Duration.ofHours(1)));
    sim.cluster().parameters().withhold("1.20.1");

    List<String> invalid =
        ssm.getParameters(r -> r.names(BR + "1.21.0/image_id", BR + "1.20.1/image_id"))
            .invalidParameters();

    assertThat(invalid).containsExactly(BR + "1.21.0/image_id", BR + "1.20.1/image_id");
  }

  @Test
  void theAccountsOwnParametersAreWrittenReadAndVersioned() {
    sim.cluster().parameters().put("/updater/prod/control", "run");

    long version =
        ssm.putParameter(
                r -> r.name("/updater/prod/control").value("pause").type("String").overwrite(true))
            .version();
    Parameter p = ssm.getParameter(r -> r.name("/updater/prod/control")).parameter();

    assertThat(version).isEqualTo(2);
    assertThat(p.value()).isEqualTo("pause");
    assertThat(p.arn())
        .isEqualTo("arn:aws:ssm:us-east-1:123456789012:parameter/updater/prod/control");
    assertThat(sim.cluster().parameters().get("/updater/prod/control").orElseThrow().value())
        .isEqualTo("pause");
  }

  // ------------------------------------------------------------------ calendars

  @Test
  void aCalendarIsClosedInItsEventAndSaysWhenItOpens() {
    Instant from = Simulation.START.plus(Duration.ofHours(1));
    Instant until = from.plus(Duration.ofHours(2));
    sim.cluster().calendars().define("freeze", Calendars.State.OPEN);
    sim.cluster().calendars().addEvent("freeze", from, until);
    sim.cluster().calendars().define("business-hours", Calendars.State.OPEN);

    GetCalendarStateResponse now =
        ssm.getCalendarState(r -> r.calendarNames("freeze", "business-hours"));
    GetCalendarStateResponse during =
        ssm.getCalendarState(
            r ->
                r.calendarNames(
                        "arn:aws:ssm:us-east-1:123456789012:document/freeze", "business-hours")
                    .atTime(from.plusSeconds(60).toString()));

    assertThat(now.stateAsString()).isEqualTo("OPEN");
    assertThat(now.nextTransitionTime()).isEqualTo(from.toString());
    assertThat(during.stateAsString()).isEqualTo("CLOSED");
    assertThat(during.nextTransitionTime()).isEqualTo(until.toString());
    assertThat(during.atTime()).isEqualTo(from.plusSeconds(60).toString());
  }

  // ------------------------------------------------------------------ refusals

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of(
            "51 invocations a page",
            (Consumer<SsmClient>) s -> s.listCommandInvocations(r -> r.maxResults(51)),
            "ValidationException"),
        Arguments.of(
            "a command id that is not 36 characters",
            (Consumer<SsmClient>) s -> s.listCommandInvocations(r -> r.commandId("abc")),
            "ValidationException"),
        Arguments.of(
            "a page token from elsewhere",
            (Consumer<SsmClient>) s -> s.listCommandInvocations(r -> r.nextToken("bm9wZTox")),
            "InvalidNextToken"),
        Arguments.of(
            "an unknown filter key",
            (Consumer<SsmClient>)
                s ->
                    s.listCommandInvocations(
                        r -> r.filters(CommandFilter.builder().key("Color").value("x").build())),
            "InvalidFilterKey"),
        Arguments.of(
            "a parameter that does not exist",
            (Consumer<SsmClient>) s -> s.getParameter(r -> r.name("/updater/none")),
            "ParameterNotFound"),
        Arguments.of(
            "11 parameters at once",
            (Consumer<SsmClient>)
                s ->
                    s.getParameters(
                        r -> r.names(IntStream.range(0, 11).mapToObj(i -> "/p" + i).toList())),
            "ValidationException"),
        Arguments.of(
            "a parameter under /aws",
            (Consumer<SsmClient>)
                s -> s.putParameter(r -> r.name("/aws/service/mine").value("x").type("String")),
            "ValidationException"),
        Arguments.of(
            "a parameter written twice without overwrite",
            (Consumer<SsmClient>)
                s -> {
                  s.putParameter(r -> r.name("/twice").value("1").type("String"));
                  s.putParameter(r -> r.name("/twice").value("2").type("String"));
                },
            "ParameterAlreadyExists"),
        Arguments.of(
            "a calendar that does not exist",
            (Consumer<SsmClient>) s -> s.getCalendarState(r -> r.calendarNames("nope")),
            "InvalidDocument"),
        Arguments.of(
            "a command document as a calendar",
            (Consumer<SsmClient>)
                s -> s.getCalendarState(r -> r.calendarNames("AWS-RunShellScript")),
            "InvalidDocumentType"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("rejected")
  void rejectsWhatAwsRejects(String name, Consumer<SsmClient> request, String code) {
    AwsServiceException e =
        catchThrowableOfType(AwsServiceException.class, () -> request.accept(ssm));

    assertThat(e).as("no error for " + name).isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(e.statusCode()).isEqualTo(400);
  }
}
