package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.host.HostReply;
import java.time.Instant;

/**
 * The latest status probe of a host in this pass.
 *
 * @param commandId the SSM command id
 * @param sentAt when it was sent
 * @param reply what the host answered so far
 */
public record ProbeResult(String commandId, Instant sentAt, HostReply reply) {

  /** Whether the host has answered (or SSM gave up). */
  public boolean isDone() {
    return !(reply instanceof HostReply.Pending);
  }
}
