package io.github.bottlerocket.ecsupdater.engine;

import java.util.OptionalInt;

/**
 * Per-invocation choices that override the configuration for one pass.
 *
 * @param dryRun plan only: change nothing in the cluster and send only read-only host commands
 *     (update check and status)
 * @param ignoreMaintenanceWindow start new updates even outside the maintenance window
 * @param checkNow check idle instances for updates even if CHECK_INTERVAL has not passed
 * @param maxConcurrent replaces MAX_CONCURRENT for this pass
 */
public record PassOptions(
    boolean dryRun, boolean ignoreMaintenanceWindow, boolean checkNow, OptionalInt maxConcurrent) {

  public static final PassOptions DEFAULT =
      new PassOptions(false, false, false, OptionalInt.empty());

  public static PassOptions dryRunOnly() {
    return new PassOptions(true, false, false, OptionalInt.empty());
  }
}
