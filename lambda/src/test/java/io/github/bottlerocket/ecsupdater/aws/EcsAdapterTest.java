package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.ClusterNotFoundException;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DeleteAttributesRequest;
import software.amazon.awssdk.services.ecs.model.DeleteAttributesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeClustersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.ListServicesRequest;
import software.amazon.awssdk.services.ecs.model.ListServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.PutAttributesRequest;
import software.amazon.awssdk.services.ecs.model.PutAttributesResponse;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.SchedulingStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TagResourceRequest;
import software.amazon.awssdk.services.ecs.model.TagResourceResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateRequest;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateResponse;

/** The exact requests the ECS adapter sends, against a mocked SDK client. */
class EcsAdapterTest {
  private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";

  // The SDK's paginators are default methods that call the client's own list operation.
  private final EcsClient ecs =
      mock(EcsClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final EcsAdapter adapter = new EcsAdapter(ecs);

  private static String arn(int i) {
    return "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/" + String.format("%04d", i);
  }

  private static software.amazon.awssdk.services.ecs.model.ContainerInstance sdkInstance(
      String arn, String status) {
    return software.amazon.awssdk.services.ecs.model.ContainerInstance.builder()
        .containerInstanceArn(arn)
        .ec2InstanceId("i-" + arn.substring(arn.length() - 4))
        .status(status)
        .agentConnected(true)
        .attributes(
            Attribute.builder().name("bottlerocket.variant").value("aws-ecs-2").build(),
            Attribute.builder().name("ecs.os-type").value("linux").build(),
            Attribute.builder().name(StateAttributes.STATE).value("QUEUED/-/1.20.1/1/-/-").build(),
            Attribute.builder().name("team").value("payments").build(),
            Attribute.builder().name("ecs.capability.docker").build())
        .registeredResources(
            Resource.builder().name("CPU").type("INTEGER").integerValue(2048).build(),
            Resource.builder().name("MEMORY").type("INTEGER").integerValue(7680).build(),
            Resource.builder().name("PORTS").type("STRINGSET").stringSetValue("22").build())
        .remainingResources(
            Resource.builder().name("CPU").type("INTEGER").integerValue(1024).build(),
            Resource.builder().name("MEMORY").type("INTEGER").integerValue(4096).build())
        .runningTasksCount(3)
        .pendingTasksCount(1)
        .build();
  }

  @Test
  void describesTheClusterWithItsTagsAndKeepsOnlyTheUpdatersTags() {
    doReturn(
            DescribeClustersResponse.builder()
                .clusters(
                    Cluster.builder()
                        .clusterArn(CLUSTER)
                        .clusterName("prod")
                        .status("ACTIVE")
                        .tags(
                            Tag.builder()
                                .key(StateAttributes.LAST_CHECK_TAG)
                                .value("2026-11-26T10:00:00Z")
                                .build(),
                            Tag.builder().key("owner").value("platform").build())
                        .build())
                .build())
        .when(ecs)
        .describeClusters(any(DescribeClustersRequest.class));

    var cluster = adapter.describeCluster("prod");

    ArgumentCaptor<DescribeClustersRequest> request =
        ArgumentCaptor.forClass(DescribeClustersRequest.class);
    verify(ecs).describeClusters(request.capture());
    assertThat(request.getValue().clusters()).containsExactly("prod");
    assertThat(request.getValue().include()).containsExactly(ClusterField.TAGS);
    assertThat(cluster.arn()).isEqualTo(CLUSTER);
    assertThat(cluster.tags()).containsOnlyKeys(StateAttributes.LAST_CHECK_TAG);
  }

  @Test
  void aMissingClusterIsNotFoundWithItsName() {
    doReturn(
            DescribeClustersResponse.builder()
                .failures(Failure.builder().arn("nope").reason("MISSING").build())
                .build())
        .when(ecs)
        .describeClusters(any(DescribeClustersRequest.class));

    assertThatThrownBy(() -> adapter.describeCluster("nope"))
        .isInstanceOf(ClusterNotFoundException.class)
        .hasMessageContaining("cluster 'nope' was not found (MISSING)");
  }

  @Test
  void anInactiveClusterIsNotFound() {
    doReturn(
            DescribeClustersResponse.builder()
                .clusters(
                    Cluster.builder()
                        .clusterArn(CLUSTER)
                        .clusterName("prod")
                        .status("INACTIVE")
                        .build())
                .build())
        .when(ecs)
        .describeClusters(any(DescribeClustersRequest.class));

    assertThatThrownBy(() -> adapter.describeCluster("prod")).hasMessageContaining("is INACTIVE");
  }

  @Test
  void listsTheClusterOnceWithoutAStatusFilterAndKeepsActiveAndDrainingInstances() {
    List<String> all = new java.util.ArrayList<>();
    IntStream.range(0, 230).mapToObj(EcsAdapterTest::arn).forEach(all::add);
    all.add(arn(900));
    all.add(arn(901));
    doAnswer(
            inv -> {
              ListContainerInstancesRequest r = inv.getArgument(0);
              int from = r.nextToken() == null ? 0 : Integer.parseInt(r.nextToken());
              int to = Math.min(from + r.maxResults(), all.size());
              return ListContainerInstancesResponse.builder()
                  .containerInstanceArns(all.subList(from, to))
                  .nextToken(to < all.size() ? Integer.toString(to) : null)
                  .build();
            })
        .when(ecs)
        .listContainerInstances(any(ListContainerInstancesRequest.class));
    doAnswer(
            inv -> {
              DescribeContainerInstancesRequest r = inv.getArgument(0);
              return DescribeContainerInstancesResponse.builder()
                  .containerInstances(
                      r.containerInstances().stream()
                          .map(
                              a ->
                                  sdkInstance(
                                      a,
                                      a.equals(arn(900))
                                          ? "DRAINING"
                                          : a.equals(arn(901)) ? "DEREGISTERING" : "ACTIVE"))
                          .toList())
                  .build();
            })
        .when(ecs)
        .describeContainerInstances(any(DescribeContainerInstancesRequest.class));

    List<ContainerInstance> instances = adapter.listContainerInstances(CLUSTER);

    assertThat(instances).hasSize(231);
    assertThat(instances).extracting(ContainerInstance::arn).doesNotContain(arn(901));
    ArgumentCaptor<ListContainerInstancesRequest> lists =
        ArgumentCaptor.forClass(ListContainerInstancesRequest.class);
    verify(ecs, times(3)).listContainerInstances(lists.capture());
    assertThat(lists.getAllValues())
        .allSatisfy(
            r -> {
              assertThat(r.cluster()).isEqualTo(CLUSTER);
              assertThat(r.maxResults()).isEqualTo(100);
              assertThat(r.status()).isNull();
            });
    ArgumentCaptor<DescribeContainerInstancesRequest> describes =
        ArgumentCaptor.forClass(DescribeContainerInstancesRequest.class);
    verify(ecs, times(3)).describeContainerInstances(describes.capture());
    assertThat(describes.getAllValues())
        .extracting(r -> r.containerInstances().size())
        .containsExactly(100, 100, 32);
  }

  @Test
  void emulatorsThatIgnoreTheStatusFilterDoNotDuplicateOrLeakInstances() {
    doReturn(ListContainerInstancesResponse.builder().containerInstanceArns(arn(1), arn(2)).build())
        .when(ecs)
        .listContainerInstances(any(ListContainerInstancesRequest.class));
    doReturn(
            DescribeContainerInstancesResponse.builder()
                .containerInstances(
                    sdkInstance(arn(1), "ACTIVE"), sdkInstance(arn(2), "DEREGISTERING"))
                .build())
        .when(ecs)
        .describeContainerInstances(any(DescribeContainerInstancesRequest.class));

    assertThat(adapter.listContainerInstances(CLUSTER))
        .extracting(ContainerInstance::arn)
        .containsExactly(arn(1));
  }

  @Test
  void mapsAnInstanceKeepingOnlyTheAttributesTheUpdaterReads() {
    doReturn(
            DescribeContainerInstancesResponse.builder()
                .containerInstances(sdkInstance(arn(1), "ACTIVE"))
                .build())
        .when(ecs)
        .describeContainerInstances(any(DescribeContainerInstancesRequest.class));

    ContainerInstance i = adapter.describeContainerInstances(CLUSTER, List.of(arn(1))).get(0);

    assertThat(i.attributes()).containsOnlyKeys("bottlerocket.variant", StateAttributes.STATE);
    assertThat(i.variant()).contains("aws-ecs-2");
    assertThat(i.registered()).isEqualTo(new Resources(2048, 7680));
    assertThat(i.remaining()).isEqualTo(new Resources(1024, 4096));
    assertThat(i.status()).isEqualTo(InstanceStatus.ACTIVE);
    assertThat(i.runningTasks()).isEqualTo(3);
    assertThat(i.ec2InstanceId()).isEqualTo("i-0001");
  }

  @Test
  void anAttributeWithoutAValueIsKeptWithTheEmptyValue() {
    var instance =
        sdkInstance(arn(1), "ACTIVE").toBuilder()
            .attributes(
                Attribute.builder().name("bottlerocket.variant").value("aws-ecs-2").build(),
                Attribute.builder().name(StateAttributes.OPT_OUT).build())
            .build();
    doReturn(DescribeContainerInstancesResponse.builder().containerInstances(instance).build())
        .when(ecs)
        .describeContainerInstances(any(DescribeContainerInstancesRequest.class));

    ContainerInstance i = adapter.describeContainerInstances(CLUSTER, List.of(arn(1))).get(0);

    assertThat(i.attributes()).containsEntry(StateAttributes.OPT_OUT, "");
    assertThat(StateAttributes.isOptOut(i.attributes().get(StateAttributes.OPT_OUT))).isTrue();
  }

  @Test
  void listsRunningAndStoppingTasksOfOneInstance() {
    String ci = arn(1);
    doAnswer(
            inv -> {
              ListTasksRequest r = inv.getArgument(0);
              return ListTasksResponse.builder()
                  .taskArns(
                      r.desiredStatus() == DesiredStatus.RUNNING
                          ? List.of("t1", "t2")
                          : List.of("t3", "t4"))
                  .build();
            })
        .when(ecs)
        .listTasks(any(ListTasksRequest.class));
    doReturn(
            DescribeTasksResponse.builder()
                .tasks(
                    Task.builder()
                        .taskArn("t1")
                        .containerInstanceArn(ci)
                        .startedBy("ecs-svc/1")
                        .group("service:web")
                        .lastStatus("RUNNING")
                        .desiredStatus("RUNNING")
                        .cpu("512")
                        .memory("1024")
                        .build(),
                    Task.builder()
                        .taskArn("t2")
                        .containerInstanceArn(ci)
                        .group("family:job")
                        .lastStatus("PENDING")
                        .desiredStatus("RUNNING")
                        .containers(
                            Container.builder().cpu("128").memory("256").build(),
                            Container.builder().cpu("64").memoryReservation("300").build())
                        .build(),
                    Task.builder()
                        .taskArn("t3")
                        .containerInstanceArn(ci)
                        .startedBy("ecs-svc/1")
                        .group("service:web")
                        .lastStatus("DEACTIVATING")
                        .desiredStatus("STOPPED")
                        .cpu("512")
                        .memory("1024")
                        .build(),
                    Task.builder()
                        .taskArn("t4")
                        .containerInstanceArn(ci)
                        .startedBy("ecs-svc/1")
                        .group("service:web")
                        .lastStatus("STOPPED")
                        .desiredStatus("STOPPED")
                        .cpu("512")
                        .memory("1024")
                        .build())
                .build())
        .when(ecs)
        .describeTasks(any(DescribeTasksRequest.class));

    List<TaskInfo> tasks = adapter.listTasks(CLUSTER, ci);

    ArgumentCaptor<ListTasksRequest> lists = ArgumentCaptor.forClass(ListTasksRequest.class);
    verify(ecs, times(2)).listTasks(lists.capture());
    assertThat(lists.getAllValues())
        .extracting(ListTasksRequest::desiredStatus)
        .containsExactly(DesiredStatus.RUNNING, DesiredStatus.STOPPED);
    assertThat(lists.getAllValues())
        .allSatisfy(r -> assertThat(r.containerInstance()).isEqualTo(ci));
    assertThat(tasks).extracting(TaskInfo::arn).containsExactly("t1", "t2", "t3");
    assertThat(tasks.get(0).reserved()).isEqualTo(new Resources(512, 1024));
    assertThat(tasks.get(1).reserved()).isEqualTo(new Resources(192, 556));
    assertThat(tasks.get(1).isServiceTask()).isFalse();
  }

  @Test
  void describesServicesTenAtATime() {
    List<String> names = IntStream.range(0, 23).mapToObj(i -> "svc-" + i).toList();
    doReturn(ListServicesResponse.builder().serviceArns(names).build())
        .when(ecs)
        .listServices(any(ListServicesRequest.class));
    doAnswer(
            inv -> {
              DescribeServicesRequest r = inv.getArgument(0);
              return DescribeServicesResponse.builder()
                  .services(
                      r.services().stream()
                          .map(
                              n ->
                                  Service.builder()
                                      .serviceName(n)
                                      .status("ACTIVE")
                                      .schedulingStrategy(
                                          n.equals("svc-0")
                                              ? SchedulingStrategy.DAEMON
                                              : SchedulingStrategy.REPLICA)
                                      .desiredCount(2)
                                      .runningCount(1)
                                      .build())
                          .toList())
                  .build();
            })
        .when(ecs)
        .describeServices(any(DescribeServicesRequest.class));

    var services = adapter.listServices(CLUSTER);

    ArgumentCaptor<DescribeServicesRequest> describes =
        ArgumentCaptor.forClass(DescribeServicesRequest.class);
    verify(ecs, times(3)).describeServices(describes.capture());
    assertThat(describes.getAllValues())
        .extracting(r -> r.services().size())
        .containsExactly(10, 10, 3);
    assertThat(services).hasSize(23);
    assertThat(services.get(0).daemon()).isTrue();
    assertThat(services.get(1).isBelowDesired()).isTrue();
  }

  @Test
  void writesAttributesTenPerCallOnTheFullInstanceArnWithoutATargetType() {
    doReturn(PutAttributesResponse.builder().build())
        .when(ecs)
        .putAttributes(any(PutAttributesRequest.class));
    List<EcsPort.InstanceAttribute> attributes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      attributes.add(
          new EcsPort.InstanceAttribute(arn(i), StateAttributes.STATE, "QUEUED/-/1.20.1/1/-/-"));
    }

    adapter.putAttributes(CLUSTER, attributes);

    ArgumentCaptor<PutAttributesRequest> puts = ArgumentCaptor.forClass(PutAttributesRequest.class);
    verify(ecs, times(2)).putAttributes(puts.capture());
    assertThat(puts.getAllValues()).extracting(r -> r.attributes().size()).containsExactly(10, 2);
    Attribute first = puts.getAllValues().get(0).attributes().get(0);
    assertThat(first.targetId()).isEqualTo(arn(0));
    assertThat(first.targetType()).isNull();
    assertThat(first.name()).isEqualTo(StateAttributes.STATE);
    assertThat(first.value()).isEqualTo("QUEUED/-/1.20.1/1/-/-");
    assertThat(puts.getValue().cluster()).isEqualTo(CLUSTER);
  }

  @Test
  void deletesAttributesByNameWithoutAValue() {
    doReturn(DeleteAttributesResponse.builder().build())
        .when(ecs)
        .deleteAttributes(any(DeleteAttributesRequest.class));

    adapter.deleteAttributes(
        CLUSTER, List.of(new EcsPort.InstanceAttribute(arn(1), StateAttributes.STATE, null)));

    ArgumentCaptor<DeleteAttributesRequest> r =
        ArgumentCaptor.forClass(DeleteAttributesRequest.class);
    verify(ecs).deleteAttributes(r.capture());
    assertThat(r.getValue().attributes())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.name()).isEqualTo(StateAttributes.STATE);
              assertThat(a.value()).isNull();
              assertThat(a.targetId()).isEqualTo(arn(1));
            });
  }

  @Test
  void setsStatusAndReturnsWhatEcsRefused() {
    doReturn(
            UpdateContainerInstancesStateResponse.builder()
                .failures(Failure.builder().arn(arn(2)).reason("INACTIVE").build())
                .build())
        .when(ecs)
        .updateContainerInstancesState(any(UpdateContainerInstancesStateRequest.class));

    Map<String, String> refused =
        adapter.updateInstancesState(CLUSTER, List.of(arn(1), arn(2)), InstanceStatus.DRAINING);

    ArgumentCaptor<UpdateContainerInstancesStateRequest> r =
        ArgumentCaptor.forClass(UpdateContainerInstancesStateRequest.class);
    verify(ecs).updateContainerInstancesState(r.capture());
    assertThat(r.getValue().statusAsString()).isEqualTo("DRAINING");
    assertThat(r.getValue().containerInstances()).containsExactly(arn(1), arn(2));
    assertThat(refused).containsExactly(Map.entry(arn(2), "INACTIVE"));
  }

  @Test
  void tagsTheCluster() {
    doReturn(TagResourceResponse.builder().build())
        .when(ecs)
        .tagResource(any(TagResourceRequest.class));

    adapter.tagCluster(CLUSTER, Map.of(StateAttributes.LAST_CHECK_TAG, "2026-11-26T10:00:00Z"));

    ArgumentCaptor<TagResourceRequest> r = ArgumentCaptor.forClass(TagResourceRequest.class);
    verify(ecs).tagResource(r.capture());
    assertThat(r.getValue().resourceArn()).isEqualTo(CLUSTER);
    assertThat(r.getValue().tags())
        .containsExactly(
            Tag.builder()
                .key(StateAttributes.LAST_CHECK_TAG)
                .value("2026-11-26T10:00:00Z")
                .build());
  }

  private static EcsException error(String code, int status) {
    return (EcsException)
        EcsException.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("message from AWS").build())
            .build();
  }

  @Test
  void errorsBecomeFaultsThatSayWhatToDo() {
    doThrow(error("AttributeLimitExceededException", 400))
        .when(ecs)
        .putAttributes(any(PutAttributesRequest.class));
    doThrow(error("AccessDeniedException", 400))
        .when(ecs)
        .tagResource(any(TagResourceRequest.class));
    doThrow(error("ThrottlingException", 400))
        .when(ecs)
        .describeClusters(any(DescribeClustersRequest.class));
    doThrow(error("ServerException", 500)).when(ecs).listServices(any(ListServicesRequest.class));

    assertThatThrownBy(
            () ->
                adapter.putAttributes(
                    CLUSTER, List.of(new EcsPort.InstanceAttribute(arn(1), "x", "y"))))
        .isInstanceOfSatisfying(
            AwsFault.class,
            f -> {
              assertThat(f.kind()).isEqualTo(AwsFault.Kind.ATTRIBUTE_LIMIT);
              assertThat(f.getMessage())
                  .startsWith(
                      "ecs:PutAttributes failed: AttributeLimitExceededException: message from AWS");
            });
    assertThatThrownBy(() -> adapter.tagCluster(CLUSTER, Map.of("k", "v")))
        .isInstanceOfSatisfying(
            AwsFault.class, f -> assertThat(f.kind()).isEqualTo(AwsFault.Kind.ACCESS_DENIED));
    assertThatThrownBy(() -> adapter.describeCluster("prod"))
        .isInstanceOfSatisfying(
            AwsFault.class, f -> assertThat(f.kind()).isEqualTo(AwsFault.Kind.THROTTLED));
    assertThatThrownBy(() -> adapter.listServices(CLUSTER))
        .isInstanceOfSatisfying(
            AwsFault.class, f -> assertThat(f.kind()).isEqualTo(AwsFault.Kind.UNAVAILABLE));
  }
}
