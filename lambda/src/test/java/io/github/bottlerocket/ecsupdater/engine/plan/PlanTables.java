package io.github.bottlerocket.ecsupdater.engine.plan;

import static io.github.bottlerocket.ecsupdater.testing.Scene.arn;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import io.github.bottlerocket.ecsupdater.engine.InstanceReport;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.util.List;

/** What the planner's decision tables read of a plan: its decisions as short names, and a line. */
final class PlanTables {
  private PlanTables() {}

  static Planner.Plan plan(Scene scene) {
    return Planner.plan(scene.build());
  }

  /** Each decision as its kind and, for one instance, the instance's id: {@code Probe(a)}. */
  static List<String> decisions(Planner.Plan plan) {
    return plan.decisions().stream()
        .map(
            d ->
                d.getClass().getSimpleName()
                    + (d instanceof Decision.ForInstance fi
                        ? "("
                            + fi.instance()
                                .arn()
                                .substring(fi.instance().arn().lastIndexOf('/') + 1)
                            + ")"
                        : ""))
        .toList();
  }

  /** The report line of instance {@code id}. */
  static InstanceReport line(Planner.Plan plan, String id) {
    return plan.reports().stream()
        .filter(r -> r.containerInstanceArn().equals(arn(id)))
        .findFirst()
        .orElseThrow();
  }
}
