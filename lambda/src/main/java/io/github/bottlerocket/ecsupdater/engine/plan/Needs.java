package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceView;
import io.github.bottlerocket.ecsupdater.engine.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * The data a decision about draining or rebooting needs and the observation may lack: the
 * instance's tasks and the cluster's services. The reconciler reads what is asked for and plans
 * again before acting.
 */
final class Needs {
  private Needs() {}

  /**
   * What a drain decision lacks: services read for this very observation (no drain starts while a
   * service runs below its desired count) and the instance's tasks.
   */
  static List<Decision> forDrain(PlanContext c, InstanceView v) {
    Observation o = c.observation();
    List<Decision> needs = new ArrayList<>();
    if (o.services().isEmpty() || !o.servicesFresh()) {
      needs.add(new Decision.InspectServices());
    }
    if (c.tasks(v).isEmpty()) {
      needs.add(new Decision.InspectTasks(v));
    }
    return needs;
  }

  /**
   * What watching a drain or a reboot guard lacks: the instance's tasks, and the services (a
   * reading from earlier in the pass tells daemon tasks apart well enough).
   */
  static List<Decision> forTasks(PlanContext c, InstanceView v) {
    List<Decision> needs = new ArrayList<>();
    if (c.tasks(v).isEmpty()) {
      needs.add(new Decision.InspectTasks(v));
    }
    if (c.observation().services().isEmpty()) {
      needs.add(new Decision.InspectServices());
    }
    return needs;
  }
}
