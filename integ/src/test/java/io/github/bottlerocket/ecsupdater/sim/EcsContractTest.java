package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.ProtectedTask;

/**
 * ECS task scale-in protection, the task counts of DescribeContainerInstances and the container
 * instance state-change events, as the SDK and an event subscriber see them.
 */
class EcsContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Simulation sim;
  private SdkClients aws;
  private EcsClient ecs;

  @BeforeEach
  void start() {
    sim = Simulation.start(Clusters.mixed(), Faults.none(44), Map.of());
    aws = new SdkClients(sim.endpoint().uri());
    ecs = aws.ecs;
  }

  @AfterEach
  void stop() {
    aws.close();
    sim.close();
  }

  private List<String> tasksOn(String host) {
    return ecs.listTasks(r -> r.cluster("demo").containerInstance(arn(host))).taskArns();
  }

  private String arn(String host) {
    return sim.cluster().instance(host).containerInstanceArn();
  }

  @Test
  void aProtectedTaskIsReportedWithItsExpiryUntilItLapsesInVirtualTime() {
    String task = sim.cluster().protectTask("br-1", "web", Duration.ofMinutes(30));

    ProtectedTask now =
        ecs.getTaskProtection(r -> r.cluster("demo").tasks(task)).protectedTasks().get(0);
    sim.advance(Duration.ofMinutes(31));
    ProtectedTask later =
        ecs.getTaskProtection(r -> r.cluster("demo").tasks(task)).protectedTasks().get(0);

    assertThat(now.protectionEnabled()).isTrue();
    assertThat(now.expirationDate()).isEqualTo(Simulation.START.plus(Duration.ofMinutes(30)));
    assertThat(later.protectionEnabled()).isFalse();
    assertThat(later.expirationDate()).isNull();
  }

  @Test
  void updateTaskProtectionSetsAndClearsProtectionAndRefusesStandaloneTasks() {
    String service = tasksOn("br-1").get(0);
    String standalone =
        ecs.listTasks(r -> r.cluster("demo").startedBy("")).taskArns().stream()
            .filter(t -> tasksOn("br-4").contains(t))
            .filter(
                t ->
                    ecs.describeTasks(r -> r.cluster("demo").tasks(t))
                        .tasks()
                        .get(0)
                        .group()
                        .startsWith("family:"))
            .findFirst()
            .orElseThrow();

    var set =
        ecs.updateTaskProtection(
            r ->
                r.cluster("demo")
                    .tasks(service, standalone)
                    .protectionEnabled(true)
                    .expiresInMinutes(60));
    var cleared =
        ecs.updateTaskProtection(r -> r.cluster("demo").tasks(service).protectionEnabled(false));

    assertThat(set.protectedTasks())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.taskArn()).isEqualTo(service);
              assertThat(p.expirationDate()).isEqualTo(Simulation.START.plus(Duration.ofHours(1)));
            });
    assertThat(set.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo("TASK_NOT_VALID"));
    assertThat(cleared.protectedTasks().get(0).protectionEnabled()).isFalse();
  }

  @Test
  void elevenTasksAtOnceAreRefused() {
    List<String> eleven = IntStream.range(0, 11).mapToObj(i -> "t" + i).toList();

    AwsServiceException e =
        catchThrowableOfType(
            AwsServiceException.class,
            () -> ecs.getTaskProtection(r -> r.cluster("demo").tasks(eleven)));

    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
  }

  @Test
  void anUnknownTaskIsAFailureNotAnError() {
    var r =
        ecs.getTaskProtection(
            b -> b.cluster("demo").tasks("arn:aws:ecs:us-east-1:123456789012:task/demo/0"));

    assertThat(r.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
  }

  @Test
  void taskCountsMatchTheTasksOnTheInstanceWhileADrainMovesThem() {
    ecs.updateContainerInstancesState(
        r -> r.cluster("demo").containerInstances(arn("br-1")).status("DRAINING"));
    sim.advance(Duration.ofSeconds(15));

    ContainerInstance ci =
        ecs.describeContainerInstances(r -> r.cluster("demo").containerInstances(arn("br-1")))
            .containerInstances()
            .get(0);
    long live = sim.cluster().instance("br-1").runningTasks().size();
    var tasks = ecs.describeTasks(r -> r.cluster("demo").tasks(tasksOn("br-1"))).tasks();

    assertThat(ci.runningTasksCount() + ci.pendingTasksCount()).isEqualTo((int) live);
    assertThat(ci.pendingTasksCount())
        .isEqualTo((int) tasks.stream().filter(t -> t.lastStatus().equals("PENDING")).count());
  }

  @Test
  void statusAgentAndAttributeChangesEmitStateChangeEventsWithARisingVersion() throws IOException {
    EventFeed.Inbox inbox = sim.cluster().events().inbox();
    long before = describe("br-2").version();

    ecs.updateContainerInstancesState(
        r -> r.cluster("demo").containerInstances(arn("br-2")).status("DRAINING"));
    ecs.putAttributes(
        r ->
            r.cluster("demo")
                .attributes(
                    Attribute.builder().name("team").value("a").targetId(arn("br-2")).build()));
    ecs.putAttributes(
        r ->
            r.cluster("demo")
                .attributes(
                    Attribute.builder().name("team").value("a").targetId(arn("br-2")).build()));
    ecs.updateContainerInstancesState(
        r -> r.cluster("demo").containerInstances(arn("br-2")).status("DRAINING"));
    List<EventFeed.Event> events = inbox.drain();

    assertThat(events).hasSize(2);
    JsonNode drained = JSON.readTree(events.get(0).json());
    JsonNode tagged = JSON.readTree(events.get(1).json());
    assertThat(drained.path("detail-type").asText()).isEqualTo(EventFeed.ECS_INSTANCE_CHANGE);
    assertThat(drained.path("source").asText()).isEqualTo("aws.ecs");
    assertThat(drained.path("resources").get(0).asText()).isEqualTo(arn("br-2"));
    assertThat(drained.path("detail").path("status").asText()).isEqualTo("DRAINING");
    assertThat(drained.path("detail").path("clusterArn").asText()).isEqualTo(sim.cluster().arn());
    assertThat(drained.path("detail").path("version").asLong()).isEqualTo(before + 1);
    assertThat(tagged.path("detail").path("version").asLong()).isEqualTo(before + 2);
    assertThat(describe("br-2").version()).isEqualTo(before + 2);
    assertThat(describe("br-2").status()).isEqualTo(ContainerInstanceStatus.DRAINING.toString());
  }

  private ContainerInstance describe(String host) {
    return ecs.describeContainerInstances(r -> r.cluster("demo").containerInstances(arn(host)))
        .containerInstances()
        .get(0);
  }
}
