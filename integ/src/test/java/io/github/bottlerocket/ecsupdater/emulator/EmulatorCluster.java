package io.github.bottlerocket.ecsupdater.emulator;

import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;

/**
 * Builds a cluster in an emulator through the plain SDK and reads it back, independently of the
 * updater's adapters: what a scenario asserts comes from here, not from the updater's report.
 */
final class EmulatorCluster implements AutoCloseable {
  /**
   * An AMI that moto (and LocalStack, which builds on it) lists by default; its platform is Linux.
   */
  static final String AMI = "ami-1e749f67";

  private final EcsClient ecs;
  private final SsmClient ssm;
  private final Ec2Client ec2;

  EmulatorCluster(URI endpoint, Region region, AwsCredentialsProvider credentials) {
    var http = UrlConnectionHttpClient.builder();
    this.ecs =
        EcsClient.builder()
            .endpointOverride(endpoint)
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(http)
            .build();
    this.ssm =
        SsmClient.builder()
            .endpointOverride(endpoint)
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(http)
            .build();
    this.ec2 =
        Ec2Client.builder()
            .endpointOverride(endpoint)
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(http)
            .build();
  }

  EcsClient ecs() {
    return ecs;
  }

  SsmClient ssm() {
    return ssm;
  }

  /** Creates a cluster and returns its ARN. */
  String createCluster(String name) {
    return ecs.createCluster(r -> r.clusterName(name)).cluster().clusterArn();
  }

  /**
   * Launches {@code count} EC2 instances and registers each as a container instance, as the ECS
   * agent does at boot.
   *
   * @param variant the {@code bottlerocket.variant} attribute the agent would set, or null for a
   *     host that does not run Bottlerocket
   * @return the container instance ARNs, in launch order
   */
  List<String> register(String cluster, int count, String variant) {
    List<String> ec2Ids =
        ec2
            .runInstances(
                r ->
                    r.imageId(AMI)
                        .instanceType(InstanceType.M5_LARGE)
                        .minCount(count)
                        .maxCount(count))
            .instances()
            .stream()
            .map(Instance::instanceId)
            .toList();
    List<String> arns = new ArrayList<>();
    for (String id : ec2Ids) {
      // The agent sends the signed identity document; the emulators read only its instanceId.
      String document = "{\"instanceId\":\"" + id + "\",\"region\":\"us-east-1\"}";
      arns.add(
          ecs.registerContainerInstance(r -> r.cluster(cluster).instanceIdentityDocument(document))
              .containerInstance()
              .containerInstanceArn());
    }
    if (variant != null) {
      // moto ignores attributes given to RegisterContainerInstance, so the agent's attribute is
      // put afterwards, ten per call as ECS allows.
      for (int from = 0; from < arns.size(); from += 10) {
        List<Attribute> batch =
            arns.subList(from, Math.min(from + 10, arns.size())).stream()
                .map(
                    arn ->
                        Attribute.builder()
                            .name(ContainerInstance.VARIANT_ATTRIBUTE)
                            .value(variant)
                            .targetId(arn)
                            .build())
                .toList();
        ecs.putAttributes(r -> r.cluster(cluster).attributes(batch));
      }
    }
    return arns;
  }

  /** The container instances as ECS describes them, by ARN, a hundred per call. */
  Map<String, software.amazon.awssdk.services.ecs.model.ContainerInstance> describe(
      String cluster, List<String> arns) {
    Map<String, software.amazon.awssdk.services.ecs.model.ContainerInstance> out =
        new LinkedHashMap<>();
    for (int from = 0; from < arns.size(); from += 100) {
      List<String> batch = arns.subList(from, Math.min(from + 100, arns.size()));
      ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(batch))
          .containerInstances()
          .forEach(ci -> out.put(ci.containerInstanceArn(), ci));
    }
    return out;
  }

  /** One container instance's attributes, name to value (null for attributes without one). */
  Map<String, String> attributes(String cluster, String arn) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Attribute a : describe(cluster, List.of(arn)).get(arn).attributes()) {
      out.put(a.name(), a.value());
    }
    return out;
  }

  /** The EC2 instance id behind a container instance. */
  String ec2InstanceId(String cluster, String arn) {
    return describe(cluster, List.of(arn)).get(arn).ec2InstanceId();
  }

  /** The cluster's tags, key to value. */
  Map<String, String> tags(String cluster) {
    Map<String, String> out = new LinkedHashMap<>();
    var c =
        ecs.describeClusters(r -> r.clusters(cluster).include(ClusterField.TAGS)).clusters().get(0);
    for (Tag t : c.tags()) {
      out.put(t.key(), t.value());
    }
    return out;
  }

  /** Every cluster ARN in the account and region. */
  List<String> clusters() {
    return ecs.listClustersPaginator(r -> r.maxResults(100)).clusterArns().stream().toList();
  }

  /** An SSM command as SSM stored it. */
  Command command(String commandId) {
    return ssm.listCommands(r -> r.commandId(commandId)).commands().get(0);
  }

  /** How many EC2 instances the region holds (running or not). */
  int ec2InstanceCount() {
    return ec2.describeInstancesPaginator(r -> r.maxResults(1000)).reservations().stream()
        .mapToInt(res -> res.instances().size())
        .sum();
  }

  @Override
  public void close() {
    ecs.close();
    ssm.close();
    ec2.close();
  }
}
