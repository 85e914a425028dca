package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.HostSpec;
import io.github.bottlerocket.ecsupdater.sim.ClusterSpec.ServiceSpec;

/** The clusters the scenarios run on. */
final class Clusters {
  static final String OLD = "1.20.0";
  static final String NEW = "1.20.1";

  private Clusters() {}

  /** Releases {@value #OLD} and {@value #NEW}, no hosts. */
  static ClusterSpec empty() {
    return ClusterSpec.named("demo").withRelease("1.19.5").withRelease(OLD).withRelease(NEW);
  }

  /**
   * Six hosts: three outdated Bottlerocket hosts (br-1, br-2, br-5), one already current (br-3),
   * one outdated with a standalone task (br-4), one not Bottlerocket (al-1); a replica service that
   * keeps all its tasks while moving, one that may drop to half, and a daemon.
   */
  static ClusterSpec mixed() {
    return empty()
        .withHost(HostSpec.bottlerocket("br-1", OLD))
        .withHost(HostSpec.bottlerocket("br-2", OLD))
        .withHost(HostSpec.bottlerocket("br-3", NEW))
        .withHost(HostSpec.bottlerocket("br-4", OLD).withStandaloneTask("nightly-report", 256, 512))
        .withHost(HostSpec.other("al-1"))
        .withHost(HostSpec.bottlerocket("br-5", OLD))
        .withService(ServiceSpec.replica("web", 4, 256, 512))
        .withService(ServiceSpec.replica("api", 2, 512, 1024).withDeployment(50, 200))
        .withService(ServiceSpec.daemon("log-router", 64, 128));
  }

  /** Three outdated Bottlerocket hosts and one service: small enough to run many times. */
  static ClusterSpec small() {
    return empty()
        .withHost(HostSpec.bottlerocket("br-1", OLD))
        .withHost(HostSpec.bottlerocket("br-2", OLD))
        .withHost(HostSpec.bottlerocket("br-3", OLD))
        .withService(ServiceSpec.replica("web", 3, 256, 512))
        .withService(ServiceSpec.daemon("log-router", 64, 128));
  }
}
