package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A simulated SSM Run Command command and its per-host invocations. Guarded by the cluster. */
final class SsmCommand {

  /** An invocation's status, with SSM's wire names. */
  enum Status {
    PENDING("Pending", false),
    IN_PROGRESS("InProgress", false),
    SUCCESS("Success", true),
    FAILED("Failed", true),
    TIMED_OUT("TimedOut", true);

    final String wire;
    final boolean terminal;

    Status(String wire, boolean terminal) {
      this.wire = wire;
      this.terminal = terminal;
    }
  }

  /** One host's part of the command. */
  static final class Invocation {
    final SsmCommand command;
    final SimInstance instance;
    Status status = Status.PENDING;
    String statusDetails = "Pending";
    Instant startedAt;
    Instant endedAt;
    int responseCode = -1;
    String stdout = "";
    String stderr = "";

    Invocation(SsmCommand command, SimInstance instance) {
      this.command = command;
      this.instance = instance;
    }
  }

  final String id;
  final String documentName;
  final Optional<HostCommand> hostCommand;
  final String unrecognised;
  final List<String> lines;
  final String comment;
  final Instant requestedAt;
  final int timeoutSeconds;
  final List<Invocation> invocations = new ArrayList<>();

  SsmCommand(
      String id,
      String documentName,
      Optional<HostCommand> hostCommand,
      String unrecognised,
      List<String> lines,
      String comment,
      Instant requestedAt,
      int timeoutSeconds) {
    this.id = id;
    this.documentName = documentName;
    this.hostCommand = hostCommand;
    this.unrecognised = unrecognised;
    this.lines = List.copyOf(lines);
    this.comment = comment;
    this.requestedAt = requestedAt;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The command's overall status, as ListCommands reports it. */
  String overallStatus() {
    if (invocations.stream().allMatch(i -> i.status.terminal)) {
      if (invocations.stream().allMatch(i -> i.status == Status.SUCCESS)) {
        return "Success";
      }
      return invocations.stream().anyMatch(i -> i.status == Status.TIMED_OUT)
          ? "TimedOut"
          : "Failed";
    }
    return invocations.stream().anyMatch(i -> i.status != Status.PENDING)
        ? "InProgress"
        : "Pending";
  }

  long completed() {
    return invocations.stream().filter(i -> i.status.terminal).count();
  }

  long errors() {
    return invocations.stream()
        .filter(i -> i.status == Status.FAILED || i.status == Status.TIMED_OUT)
        .count();
  }

  long deliveryTimedOut() {
    return invocations.stream().filter(i -> "DeliveryTimedOut".equals(i.statusDetails)).count();
  }
}
