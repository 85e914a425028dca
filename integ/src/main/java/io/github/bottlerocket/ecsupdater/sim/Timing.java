package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;

/**
 * How long things take in the simulated cluster, in virtual time.
 *
 * @param ssmRegistration after SendCommand, GetCommandInvocation answers InvocationDoesNotExist for
 *     this long
 * @param ssmDelivery an invocation stays Pending this long before the host runs it (longer while
 *     the host is down)
 * @param ssmExecution an invocation stays InProgress this long after the host ran it
 * @param download the background download of an update (prepare), holding the update lock
 * @param activation the background activation (Staged to Ready), holding the update lock
 * @param shutdown from {@code apiclient reboot} to the host going down (tasks stop, agent drops)
 * @param boot from going down to the host running again (SSM reaches it)
 * @param failedBootExtra a boot that falls back to the old version takes this much longer
 * @param agentReconnect from the host running again to its ECS agent reconnecting
 * @param taskStart a new task's time in PENDING
 * @param taskStop a task's time between being told to stop and STOPPED
 */
public record Timing(
    Duration ssmRegistration,
    Duration ssmDelivery,
    Duration ssmExecution,
    Duration download,
    Duration activation,
    Duration shutdown,
    Duration boot,
    Duration failedBootExtra,
    Duration agentReconnect,
    Duration taskStart,
    Duration taskStop) {

  /** Plausible times for a small cluster (see the integ README for where they come from). */
  public static Timing defaults() {
    return new Timing(
        Duration.ofMillis(300),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(90),
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        Duration.ofSeconds(40),
        Duration.ofSeconds(40),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(20));
  }
}
