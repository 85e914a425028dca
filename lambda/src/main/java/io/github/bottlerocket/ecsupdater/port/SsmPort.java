package io.github.bottlerocket.ecsupdater.port;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ParameterValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SSM Run Command calls the updater makes. */
public interface SsmPort {

  /** SSM accepts at most 50 instance ids in one SendCommand. */
  int MAX_TARGETS = 50;

  /**
   * Sends a fixed host command.
   *
   * @param command the command; its lines are never combined with anything else
   * @param instanceIds at most {@link #MAX_TARGETS} EC2 instance ids
   * @param comment a short note stored with the command, visible in the console
   * @return the command id
   */
  String sendCommand(HostCommand command, List<String> instanceIds, String comment);

  /**
   * One host's invocation. An invocation SSM does not know yet (right after SendCommand) comes back
   * {@link io.github.bottlerocket.ecsupdater.model.InvocationStatus#PENDING}.
   */
  CommandInvocation invocation(String commandId, String instanceId);

  /**
   * Several hosts' invocations of one command, in the order of {@code instanceIds}, with the same
   * meaning as {@link #invocation} for each: an invocation SSM does not report yet is PENDING, and
   * {@link CommandInvocation#stdout()} is standard output alone, whatever call read it. The command
   * is complete once every one of them has a terminal status, so the replies themselves tell when a
   * command of many hosts has finished.
   */
  default List<CommandInvocation> invocations(String commandId, List<String> instanceIds) {
    return instanceIds.stream().map(id -> invocation(commandId, id)).toList();
  }

  /**
   * The value of an SSM parameter (the stack-wide control switch).
   *
   * @return the value; empty when there is no such parameter
   */
  Optional<String> parameter(String name);

  /** GetParameters takes at most 10 names in one call. */
  int MAX_PARAMETERS = 10;

  /**
   * Several parameters, public ones (such as Bottlerocket's under {@code /aws/service/}) included.
   *
   * @param names at most {@link #MAX_PARAMETERS}
   * @return by name, the parameters that exist; a name that does not is left out
   */
  default Map<String, ParameterValue> parameters(List<String> names) {
    throw new AwsFault(
        AwsFault.Kind.INVALID_REQUEST, "ssm:GetParameters", "this port reads no parameters", null);
  }

  /**
   * The combined state of SSM Change Calendars: OPEN only while every one of them is.
   *
   * @param calendars names or ARNs of Change Calendar documents
   * @throws AwsFault of kind {@link AwsFault.Kind#NOT_FOUND} when one does not exist, {@link
   *     AwsFault.Kind#INVALID_REQUEST} when one is not a Change Calendar
   */
  default CalendarState calendarState(List<String> calendars) {
    throw new AwsFault(
        AwsFault.Kind.INVALID_REQUEST,
        "ssm:GetCalendarState",
        "this port reads no change calendars",
        null);
  }
}
