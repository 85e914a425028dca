package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.ecs.model.Attribute;

/**
 * DescribeAutoScalingInstances and SetInstanceProtection over the query protocol, and what a
 * scale-in does to the cluster and to the safety rules.
 */
class AutoScalingContractTest {
  private Simulation sim;
  private SdkClients aws;
  private AutoScalingClient asg;

  @BeforeEach
  void start() {
    sim = Simulation.start(Clusters.small(), Faults.none(47), Map.of());
    aws = new SdkClients(sim.endpoint().uri());
    asg = aws.autoScaling;
  }

  @AfterEach
  void stop() {
    aws.close();
    sim.close();
  }

  private String ec2(String host) {
    return sim.cluster().instance(host).ec2InstanceId();
  }

  @Test
  void describesGroupMembersOnlyAndPages() {
    sim.cluster().autoScaling().createGroup("asg-a", List.of("br-1", "br-2"), false);

    List<AutoScalingInstanceDetails> all =
        asg
            .describeAutoScalingInstancesPaginator(r -> r.maxRecords(1))
            .autoScalingInstances()
            .stream()
            .toList();
    var named =
        asg.describeAutoScalingInstances(r -> r.instanceIds(ec2("br-1"), ec2("br-3")))
            .autoScalingInstances();

    assertThat(all)
        .extracting(AutoScalingInstanceDetails::instanceId)
        .containsExactly(ec2("br-1"), ec2("br-2"));
    assertThat(named)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.autoScalingGroupName()).isEqualTo("asg-a");
              assertThat(i.lifecycleState()).isEqualTo("InService");
              assertThat(i.protectedFromScaleIn()).isFalse();
            });
  }

  @Test
  void setInstanceProtectionChangesTheFlagOfOneGroupsInstances() {
    sim.cluster().autoScaling().createGroup("asg-a", List.of("br-1", "br-2"), false);

    asg.setInstanceProtection(
        r -> r.autoScalingGroupName("asg-a").instanceIds(ec2("br-1")).protectedFromScaleIn(true));

    assertThat(sim.cluster().autoScaling().isProtected("br-1")).isTrue();
    assertThat(sim.cluster().autoScaling().isProtected("br-2")).isFalse();
    assertThat(
            asg.describeAutoScalingInstances(r -> r.instanceIds(ec2("br-1")))
                .autoScalingInstances()
                .get(0)
                .protectedFromScaleIn())
        .isTrue();
  }

  @Test
  void refusesWhatAwsRefuses() {
    sim.cluster().autoScaling().createGroup("asg-a", List.of("br-1"), false);
    List<String> many = IntStream.range(0, 51).mapToObj(i -> String.format("i-%017x", i)).toList();

    assertThat(code(() -> asg.describeAutoScalingInstances(r -> r.instanceIds(many))))
        .isEqualTo("ValidationError");
    assertThat(
            code(
                () ->
                    asg.setInstanceProtection(
                        r ->
                            r.autoScalingGroupName("nope")
                                .instanceIds(ec2("br-1"))
                                .protectedFromScaleIn(true))))
        .isEqualTo("ValidationError");
    assertThat(
            code(
                () ->
                    asg.setInstanceProtection(
                        r ->
                            r.autoScalingGroupName("asg-a")
                                .instanceIds(ec2("br-2"))
                                .protectedFromScaleIn(true))))
        .isEqualTo("ValidationError");
  }

  @Test
  void aScaleInTerminatesAnUnprotectedInstanceAndItsContainerInstanceGoesInactive() {
    sim.cluster().autoScaling().createGroup("asg-a", List.of("br-1", "br-2"), false);
    asg.setInstanceProtection(
        r -> r.autoScalingGroupName("asg-a").instanceIds(ec2("br-1")).protectedFromScaleIn(true));

    var gone = sim.cluster().autoScaling().scaleIn("asg-a");

    assertThat(gone).contains("br-2");
    assertThat(sim.cluster().instance("br-2").status()).isEqualTo("INACTIVE");
    assertThat(sim.cluster().instance("br-2").runningTasks()).isEmpty();
    assertThat(aws.ecs.listContainerInstances(r -> r.cluster("demo")).containerInstanceArns())
        .doesNotContain(sim.cluster().instance("br-2").containerInstanceArn());
    assertThat(sim.cluster().autoScaling().scaleIn("asg-a")).isEmpty();
    sim.invariants().assertHeld();
  }

  @Test
  void managedTerminationProtectionUndoesTheUpdatersProtectionOfADrainedHostAndTheRuleCatchesIt() {
    sim.cluster().autoScaling().createGroup("asg-a", List.of("br-1", "br-2", "br-3"), true);
    String arn = sim.cluster().instance("br-1").containerInstanceArn();
    aws.ecs.putAttributes(
        r ->
            r.cluster("demo")
                .attributes(
                    Attribute.builder()
                        .name(StateAttributes.STATE)
                        .value("DRAINING/1.20.0/1.20.1/1/-/-")
                        .targetId(arn)
                        .build()));
    aws.ecs.updateContainerInstancesState(
        r -> r.cluster("demo").containerInstances(arn).status("DRAINING"));
    asg.setInstanceProtection(
        r -> r.autoScalingGroupName("asg-a").instanceIds(ec2("br-1")).protectedFromScaleIn(true));
    sim.advance(java.time.Duration.ofMinutes(5));

    var gone = sim.cluster().autoScaling().scaleIn("asg-a");

    assertThat(gone).contains("br-1");
    assertThat(sim.invariants().violations())
        .extracting(Invariants.Violation::rule)
        .containsExactly(Invariants.Rule.SCALE_IN_DURING_UPDATE);
  }

  private static String code(Runnable call) {
    AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    return e.awsErrorDetails().errorCode();
  }
}
