package io.github.bottlerocket.ecsupdater.engine.plan.gate;

import io.github.bottlerocket.ecsupdater.engine.Decision;
import java.util.List;

/** What the rollout gates answer about one start. */
public sealed interface GateCheck {

  /** Nothing holds it. */
  record Clear() implements GateCheck {}

  /** A gate holds it. */
  record Held(Hold hold) implements GateCheck {}

  /** The gates need facts this observation lacks; read them and plan again. */
  record NeedsFacts(List<Decision> needs) implements GateCheck {
    public NeedsFacts {
      needs = List.copyOf(needs);
    }
  }

  GateCheck CLEAR = new Clear();
}
