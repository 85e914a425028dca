package com.example.platform;

import io.github.bottlerocket.ecsupdater.infra.BottlerocketEcsUpdater;
import io.github.bottlerocket.ecsupdater.infra.BottlerocketEcsUpdaterProps;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** A platform team's own CDK app, with the updater next to the cluster it already defines. */
public final class PlatformApp {
  private PlatformApp() {}

  /** The team's stack: its cluster (here imported) and the updater for it. */
  public static final class PlatformStack extends Stack {
    private final BottlerocketEcsUpdater updater;

    public PlatformStack(Construct scope, String id, StackProps props) {
      super(scope, id, props);
      ICluster cluster =
          Cluster.fromClusterArn(
              this, "Cluster", "arn:aws:ecs:eu-west-1:111122223333:cluster/prod");
      Topic alerts = new Topic(this, "UpdaterAlerts");

      updater =
          new BottlerocketEcsUpdater(
              this,
              "Updater",
              BottlerocketEcsUpdaterProps.builder()
                  .clusters(List.of(cluster))
                  .instanceTag("ecs-cluster", "prod")
                  .schedule(Schedule.rate(Duration.minutes(30)))
                  .maintenanceWindow("Mon-Fri 22:00-04:00; Sat,Sun 00:00-24:00")
                  .maintenanceTimezone("Europe/Berlin")
                  .maxConcurrent(2)
                  .drainTimeout(Duration.minutes(45))
                  .alarmTopic(alerts)
                  .tags(Map.of("team", "platform"))
                  .build());

      CfnOutput.Builder.create(this, "UpdaterControlParameter")
          .value(updater.getControlParameter().getParameterName())
          .build();
    }

    public BottlerocketEcsUpdater getUpdater() {
      return updater;
    }
  }

  public static void main(String[] args) {
    App app = new App();
    new PlatformStack(
        app,
        "Platform",
        StackProps.builder()
            .env(Environment.builder().account("111122223333").region("eu-west-1").build())
            .build());
    app.synth();
  }
}
