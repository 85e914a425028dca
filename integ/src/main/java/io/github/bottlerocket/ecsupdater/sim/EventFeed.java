package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The EventBridge events the simulated services emit, for scenarios and the benchmark to deliver to
 * the updater: ECS "ECS Container Instance State Change" whenever a container instance's status,
 * agent connection or attributes change (its {@code detail.version} rising each time), and SSM "EC2
 * Command Invocation Status-change Notification" when an invocation reaches a final status. Each
 * event is the whole EventBridge envelope as a rule's target receives it, with the virtual time it
 * was emitted at.
 */
public final class EventFeed {
  /** An ECS container-instance change. */
  public static final String ECS_INSTANCE_CHANGE = "ECS Container Instance State Change";

  /** An SSM invocation's final status. */
  public static final String SSM_INVOCATION_CHANGE =
      "EC2 Command Invocation Status-change Notification";

  /** The fields of an ECS container-instance event's detail, as ECS documents them. */
  private static final Set<String> ECS_DETAIL_FIELDS =
      Set.of(
          "agentConnected",
          "attributes",
          "containerInstanceArn",
          "ec2InstanceId",
          "registeredResources",
          "remainingResources",
          "status",
          "version",
          "versionInfo");

  /**
   * One event.
   *
   * @param json the EventBridge envelope ({@code detail-type}, {@code source}, {@code detail}, ...)
   */
  public record Event(Instant at, String detailType, String json) {}

  /** Collects events from the moment it was made; read it from any thread. */
  public static final class Inbox {
    private final Deque<Event> events = new ArrayDeque<>();

    synchronized void add(Event e) {
      events.add(e);
    }

    /** Every event collected and not yet taken, oldest first; the inbox is empty afterwards. */
    public synchronized List<Event> drain() {
      List<Event> out = new ArrayList<>(events);
      events.clear();
      return out;
    }

    /** The oldest event not yet taken. */
    public synchronized Optional<Event> poll() {
      return Optional.ofNullable(events.poll());
    }
  }

  private final SimulatedCluster cluster;
  private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
  private long next = 1;

  EventFeed(SimulatedCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Calls {@code subscriber} with every event from now on, while the cluster's lock is held: it
   * must not call the simulated endpoint (queue the event instead, or use an {@link #inbox()}).
   */
  public void subscribe(Consumer<Event> subscriber) {
    subscribers.add(subscriber);
  }

  /** A new inbox that collects every event from now on. */
  public Inbox inbox() {
    Inbox inbox = new Inbox();
    subscribers.add(inbox::add);
    return inbox;
  }

  /** A container instance changed: its version has been raised already. */
  void instanceChanged(SimInstance i, Instant at) {
    if (subscribers.isEmpty()) {
      return;
    }
    ObjectNode full = EcsApi.containerInstance(cluster, i);
    ObjectNode detail = Wire.JSON.createObjectNode();
    for (var f : full.properties()) {
      if (ECS_DETAIL_FIELDS.contains(f.getKey())) {
        detail.set(f.getKey(), f.getValue());
      }
    }
    detail.put("clusterArn", cluster.arn).put("updatedAt", at.toString());
    emit(at, ECS_INSTANCE_CHANGE, "aws.ecs", i.arn, detail);
  }

  /** An invocation reached a final status. */
  void invocationEnded(SsmCommand.Invocation inv, Instant at) {
    if (subscribers.isEmpty()) {
      return;
    }
    ObjectNode detail = Wire.JSON.createObjectNode();
    detail.put("command-id", inv.command.id);
    detail.put("document-name", inv.command.documentName);
    detail.put("instance-id", inv.instance.ec2InstanceId);
    detail.put("requested-date-time", inv.command.requestedAt.toString());
    detail.put("status", inv.status.wire);
    String resource =
        "arn:aws:ec2:"
            + SimulatedCluster.REGION
            + ":"
            + SimulatedCluster.ACCOUNT
            + ":instance/"
            + inv.instance.ec2InstanceId;
    emit(at, SSM_INVOCATION_CHANGE, "aws.ssm", resource, detail);
  }

  private void emit(Instant at, String detailType, String source, String resource, ObjectNode d) {
    ObjectNode e = Wire.JSON.createObjectNode();
    e.put("version", "0");
    e.put("id", String.format("%08x-0000-4000-9000-%012x", cluster.faults.seed(), next++));
    e.put("detail-type", detailType).put("source", source);
    e.put("account", SimulatedCluster.ACCOUNT)
        .put("time", at.toString().replaceAll("\\.\\d+Z$", "Z"));
    e.put("region", SimulatedCluster.REGION);
    ArrayNode resources = e.putArray("resources");
    resources.add(resource);
    e.set("detail", d);
    Event event = new Event(at, detailType, e.toString());
    for (Consumer<Event> s : subscribers) {
      s.accept(event);
    }
  }
}
