package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.sim.Invariants.Rule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The invariants catch what they are meant to catch: each row breaks one rule by hand, through the
 * endpoint, as a faulty updater would.
 */
class InvariantsTest {

  private record Aws(Simulation sim, EcsClient ecs, SsmClient ssm) {
    String arn(String host) {
      return sim.cluster().instance(host).containerInstanceArn();
    }

    void drain(String host) {
      ecs.updateContainerInstancesState(
          r -> r.cluster("demo").containerInstances(arn(host)).status("DRAINING"));
    }

    void record(String host) {
      ecs.putAttributes(
          r ->
              r.cluster("demo")
                  .attributes(
                      Attribute.builder()
                          .name("bottlerocket-ecs-updater.state")
                          .value("DRAINING/-/-/0/-/-")
                          .targetId(arn(host))
                          .build()));
    }

    void run(String host, HostCommand command, Duration wait) {
      String id = sim.cluster().instance(host).ec2InstanceId();
      ssm.sendCommand(
          r ->
              r.documentName("AWS-RunShellScript")
                  .instanceIds(id)
                  .parameters(Map.of("commands", command.lines())));
      sim.advance(wait);
    }

    /** Brings a host to Ready and reboots it, with whatever still runs on it. */
    void rebootUndrained(String host) {
      run(host, HostCommand.PREPARE, Duration.ofMinutes(2));
      run(host, HostCommand.ACTIVATE, Duration.ofSeconds(10));
      run(host, HostCommand.REBOOT, Duration.ofMinutes(2));
    }
  }

  static Stream<Arguments> brokenRules() {
    return Stream.of(
        Arguments.of(
            "DRAINING set without a record",
            (BiConsumer<Aws, String>) (aws, h) -> aws.drain(h),
            Rule.DRAINING_WITHOUT_RECORD),
        Arguments.of(
            "two instances drained with MAX_CONCURRENT 1",
            (BiConsumer<Aws, String>)
                (aws, h) -> {
                  for (String host : List.of("br-1", "br-2")) {
                    aws.record(host);
                    aws.drain(host);
                  }
                },
            Rule.MAX_OUT_OF_SERVICE),
        Arguments.of(
            "a reboot with service tasks running",
            (BiConsumer<Aws, String>) (aws, h) -> aws.rebootUndrained("br-1"),
            Rule.REBOOT_WITH_SERVICE_TASKS),
        Arguments.of(
            "a reboot of the host with a standalone task",
            (BiConsumer<Aws, String>) (aws, h) -> aws.rebootUndrained("br-4"),
            Rule.STANDALONE_TASK_STOPPED));
  }

  @ParameterizedTest(name = "{0} breaks {2}")
  @MethodSource("brokenRules")
  void aBrokenRuleIsRecordedWithItsName(String name, BiConsumer<Aws, String> breakIt, Rule rule) {
    try (Simulation sim = Simulation.start(Clusters.mixed(), Faults.none(61), Map.of());
        EcsClient ecs = client(EcsClient.builder(), sim);
        SsmClient ssm = client(SsmClient.builder(), sim)) {
      breakIt.accept(new Aws(sim, ecs, ssm), "br-1");

      assertThat(sim.invariants().violations())
          .extracting(Invariants.Violation::rule)
          .contains(rule);
      assertThatThrownBy(() -> sim.invariants().assertHeld()).hasMessageContaining(rule.name());
    }
  }

  @Test
  void outdatedHostsWithoutAFailureRecordAreNotConverged() {
    try (Simulation sim = Simulation.start(Clusters.mixed(), Faults.none(62), Map.of())) {
      sim.invariants().checkConverged(sim.cluster(), Set.of("br-4"));

      assertThat(sim.invariants().violations())
          .extracting(Invariants.Violation::instance)
          .containsExactly("br-1", "br-2", "br-5");
    }
  }

  private static <
          B extends
              software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
                  & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, C>,
          C>
      C client(B builder, Simulation sim) {
    return builder
        .endpointOverride(sim.endpoint().uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDSIMULATED", "simulated")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
