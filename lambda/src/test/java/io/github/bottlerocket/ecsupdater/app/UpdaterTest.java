package io.github.bottlerocket.ecsupdater.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.engine.Deadline;
import io.github.bottlerocket.ecsupdater.engine.PassListener;
import io.github.bottlerocket.ecsupdater.engine.PassOptions;
import io.github.bottlerocket.ecsupdater.engine.PassReport;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.model.TaskProtection;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The passes of one request over several clusters, one after another in one invocation. */
class UpdaterTest {
  private final FakeCluster hosts = new FakeCluster();

  /** Several clusters by name, all made of the fake's hosts. */
  private final EcsPort clusters =
      new EcsPort() {
        @Override
        public ClusterInfo describeCluster(String cluster) {
          hosts.describeCluster(FakeCluster.CLUSTER);
          return new ClusterInfo(
              "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster, cluster, "ACTIVE", Map.of());
        }

        @Override
        public List<ContainerInstance> listContainerInstances(String clusterArn) {
          return hosts.listContainerInstances(clusterArn);
        }

        @Override
        public List<ContainerInstance> describeContainerInstances(
            String clusterArn, List<String> arns) {
          return hosts.describeContainerInstances(clusterArn, arns);
        }

        @Override
        public List<TaskInfo> listTasks(String clusterArn, String containerInstanceArn) {
          return hosts.listTasks(clusterArn, containerInstanceArn);
        }

        @Override
        public List<ServiceInfo> listServices(String clusterArn) {
          return hosts.listServices(clusterArn);
        }

        @Override
        public Map<String, String> updateInstancesState(
            String clusterArn, List<String> arns, InstanceStatus status) {
          return hosts.updateInstancesState(clusterArn, arns, status);
        }

        @Override
        public void putAttributes(String clusterArn, List<InstanceAttribute> attributes) {
          hosts.putAttributes(clusterArn, attributes);
        }

        @Override
        public void deleteAttributes(String clusterArn, List<InstanceAttribute> attributes) {
          hosts.deleteAttributes(clusterArn, attributes);
        }

        @Override
        public void tagCluster(String clusterArn, Map<String, String> tags) {}

        @Override
        public List<TaskProtection> taskProtection(String clusterArn, List<String> taskArns) {
          return hosts.taskProtection(clusterArn, taskArns);
        }
      };

  @Test
  void everyOneOfEightClustersGetsTimeForAnUpdateCheck() {
    hosts.host("a");
    List<String> names = IntStream.rangeClosed(1, 8).mapToObj(i -> "c" + i).toList();
    Updater updater =
        new Updater(
            Settings.defaults(), clusters, hosts, hosts.clock, hosts.sleeper(), PassListener.NONE);
    // An equal share of fifteen minutes left the first three of eight clusters less than
    // CHECK_TIMEOUT (2m) and DEADLINE_MARGIN (30s): their checks were put off, pass after pass.
    Invocation request =
        new Invocation(
            Invocation.Source.SCHEDULE,
            names,
            new PassOptions(false, false, true, OptionalInt.empty()),
            Optional.empty());

    Updater.Run run =
        updater.run(
            request, Deadline.at(hosts.clock.instant().plus(Duration.ofMinutes(15)), hosts.clock));

    assertThat(run.reports())
        .hasSize(8)
        .allMatch(r -> r.stopReason() == PassReport.StopReason.SETTLED);
    assertThat(hosts.log.stream().filter(l -> l.startsWith("ssm:SendCommand CHECK"))).hasSize(8);
  }
}
