package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every failure record the updater wrote on any instance during a scenario, as it was written: a
 * record that a later success or check deleted again is still seen here. Looking only at the end
 * state would miss a healthy host that was failed and then retried.
 */
final class FailureWatch implements ClusterObserver {

  /** A failure record as it appeared on {@code host} at {@code at}. */
  record Seen(Instant at, String host, String value) {
    String reason() {
      return StateAttributes.decodeFailure(value).reason().name();
    }

    @Override
    public String toString() {
      return at + " " + host + " " + value;
    }
  }

  private final Map<String, String> last = new HashMap<>();
  private final List<Seen> seen = new ArrayList<>();

  /** Starts watching {@code cluster}. */
  static FailureWatch on(SimulatedCluster cluster) {
    FailureWatch w = new FailureWatch();
    cluster.addObserver(w);
    return w;
  }

  @Override
  public synchronized void changed(SimulatedCluster cluster, Instant at, String cause) {
    for (SimInstance i : cluster.instances) {
      String value = i.customAttributes.get(StateAttributes.FAILURE);
      if (value != null && !value.equals(last.get(i.name))) {
        seen.add(new Seen(at, i.name, value));
      }
      if (value == null) {
        last.remove(i.name);
      } else {
        last.put(i.name, value);
      }
    }
  }

  /** Every failure record written so far, in order. */
  synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The records written on {@code host}. */
  synchronized List<Seen> on(String host) {
    return seen.stream().filter(s -> s.host().equals(host)).toList();
  }
}
