package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.net.URI;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The endpoint answers the SDK as AWS does, limits and errors included, so batching bugs show. */
class EndpointContractTest {
  private Simulation sim;
  private EcsClient ecs;
  private SsmClient ssm;

  /** Clients that never retry, so each answer is seen as it is. */
  @BeforeEach
  void start() {
    sim = Simulation.start(Clusters.mixed(), Faults.none(41), Map.of());
    URI uri = sim.endpoint().uri();
    var credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSIMULATED", "simulated"));
    ecs =
        EcsClient.builder()
            .endpointOverride(uri)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    ssm =
        SsmClient.builder()
            .endpointOverride(uri)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
  }

  @AfterEach
  void stop() {
    ecs.close();
    ssm.close();
    sim.close();
  }

  private record Call(EcsClient ecs, SsmClient ssm, List<String> arns, List<String> ec2Ids) {}

  private Call call() {
    var hosts = sim.cluster().instanceStates();
    return new Call(
        ecs,
        ssm,
        hosts.stream().map(SimulatedCluster.InstanceState::containerInstanceArn).toList(),
        hosts.stream().map(SimulatedCluster.InstanceState::ec2InstanceId).toList());
  }

  private static List<String> times(int n, String s) {
    return IntStream.range(0, n).mapToObj(i -> s + i).toList();
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of(
            "an operation the endpoint does not serve",
            (Consumer<Call>) c -> c.ecs().listClusters(),
            "UnknownOperationException"),
        Arguments.of(
            "an unknown cluster",
            (Consumer<Call>) c -> c.ecs().listContainerInstances(r -> r.cluster("nope")),
            "ClusterNotFoundException"),
        Arguments.of(
            "a page of 101 container instances",
            (Consumer<Call>)
                c -> c.ecs().listContainerInstances(r -> r.cluster("demo").maxResults(101)),
            "InvalidParameterException"),
        Arguments.of(
            "101 container instances described at once",
            (Consumer<Call>)
                c ->
                    c.ecs()
                        .describeContainerInstances(
                            r -> r.cluster("demo").containerInstances(times(101, "x"))),
            "InvalidParameterException"),
        Arguments.of(
            "11 services described at once",
            (Consumer<Call>)
                c -> c.ecs().describeServices(r -> r.cluster("demo").services(times(11, "svc"))),
            "InvalidParameterException"),
        Arguments.of(
            "101 tasks described at once",
            (Consumer<Call>)
                c -> c.ecs().describeTasks(r -> r.cluster("demo").tasks(times(101, "t"))),
            "InvalidParameterException"),
        Arguments.of(
            "11 instances changed at once",
            (Consumer<Call>)
                c ->
                    c.ecs()
                        .updateContainerInstancesState(
                            r ->
                                r.cluster("demo")
                                    .status("DRAINING")
                                    .containerInstances(times(11, "x"))),
            "InvalidParameterException"),
        Arguments.of(
            "11 attributes in one call",
            (Consumer<Call>)
                c ->
                    c.ecs()
                        .putAttributes(
                            r ->
                                r.cluster("demo")
                                    .attributes(
                                        times(11, "a").stream()
                                            .map(
                                                n ->
                                                    Attribute.builder()
                                                        .name(n)
                                                        .value("v")
                                                        .targetId(c.arns().get(0))
                                                        .build())
                                            .toList())),
            "InvalidParameterException"),
        Arguments.of(
            "an attribute value with '='",
            (Consumer<Call>)
                c ->
                    c.ecs()
                        .putAttributes(
                            r ->
                                r.cluster("demo")
                                    .attributes(
                                        Attribute.builder()
                                            .name("a")
                                            .value("x=y")
                                            .targetId(c.arns().get(0))
                                            .build())),
            "InvalidParameterException"),
        Arguments.of(
            "the 11th custom attribute of an instance",
            (Consumer<Call>)
                c -> {
                  for (int batch = 0; batch < 2; batch++) {
                    int from = batch * 6;
                    c.ecs()
                        .putAttributes(
                            r ->
                                r.cluster("demo")
                                    .attributes(
                                        IntStream.range(from, from + 6)
                                            .mapToObj(
                                                i ->
                                                    Attribute.builder()
                                                        .name("op.a" + i)
                                                        .value("v")
                                                        .targetId(c.arns().get(0))
                                                        .build())
                                            .toList()));
                  }
                },
            "AttributeLimitExceededException"),
        Arguments.of(
            "a command to 51 instances",
            (Consumer<Call>)
                c ->
                    c.ssm()
                        .sendCommand(
                            r ->
                                r.documentName("AWS-RunShellScript")
                                    .instanceIds(times(51, "i-"))
                                    .parameters(Map.of("commands", HostCommand.CHECK.lines()))),
            "ValidationException"),
        Arguments.of(
            "a command to an unknown instance",
            (Consumer<Call>)
                c ->
                    c.ssm()
                        .sendCommand(
                            r ->
                                r.documentName("AWS-RunShellScript")
                                    .instanceIds("i-0123")
                                    .parameters(Map.of("commands", HostCommand.CHECK.lines()))),
            "InvalidInstanceId"),
        Arguments.of(
            "a document that does not exist",
            (Consumer<Call>)
                c ->
                    c.ssm()
                        .sendCommand(
                            r -> r.documentName("Other-Check").instanceIds(c.ec2Ids().get(0))),
            "InvalidDocument"),
        Arguments.of(
            "an invocation read right after SendCommand",
            (Consumer<Call>)
                c -> {
                  String id =
                      c.ssm()
                          .sendCommand(
                              r ->
                                  r.documentName("AWS-RunShellScript")
                                      .instanceIds(c.ec2Ids().get(0))
                                      .parameters(Map.of("commands", HostCommand.CHECK.lines())))
                          .command()
                          .commandId();
                  c.ssm().getCommandInvocation(r -> r.commandId(id).instanceId(c.ec2Ids().get(0)));
                },
            "InvocationDoesNotExist"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("rejected")
  void rejectsWhatAwsRejects(String name, Consumer<Call> request, String code) {
    AwsServiceException e =
        catchThrowableOfType(AwsServiceException.class, () -> request.accept(call()));

    assertThat(e).as("no error for " + name).isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(e.statusCode()).isEqualTo(400);
  }

  @Test
  void pagesContainerInstancesInRegistrationOrder() {
    List<String> all =
        ecs
            .listContainerInstancesPaginator(r -> r.cluster("demo").maxResults(2))
            .containerInstanceArns()
            .stream()
            .toList();

    assertThat(all).isEqualTo(call().arns());
  }

  @Test
  void throttlingIsAnswerThatTheSdkClassifiesAsThrottling() {
    try (Simulation throttled =
            Simulation.start(Clusters.mixed(), Faults.none(42).withThrottling(1.0), Map.of());
        EcsClient client =
            EcsClient.builder()
                .endpointOverride(throttled.endpoint().uri())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
      AwsServiceException e =
          catchThrowableOfType(
              AwsServiceException.class, () -> client.describeClusters(r -> r.clusters("demo")));

      assertThat(e.isThrottlingException()).isTrue();
    }
  }

  @Test
  void aScriptThatIsNoHostCommandFailsOnTheHostAndBreaksAnInvariant() {
    String id = call().ec2Ids().get(0);
    String commandId =
        ssm.sendCommand(
                r ->
                    r.documentName("AWS-RunShellScript")
                        .instanceIds(id)
                        .parameters(Map.of("commands", List.of("rm -rf /"))))
            .command()
            .commandId();
    sim.advance(java.time.Duration.ofSeconds(10));

    var invocation = ssm.getCommandInvocation(r -> r.commandId(commandId).instanceId(id));

    assertThat(invocation.statusAsString()).isEqualTo("Failed");
    assertThat(sim.invariants().violations())
        .extracting(Invariants.Violation::rule)
        .containsExactly(Invariants.Rule.UNRECOGNISED_COMMAND);
  }
}
