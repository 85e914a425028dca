package io.github.bottlerocket.ecsupdater.host;

import java.util.List;

/**
 * Every shell command the updater ever runs on a host, as fixed strings.
 *
 * <p>This is the only place where commands are defined. Nothing taken from an event, an ECS
 * attribute or an {@code apiclient} reply is ever interpolated into them. The CDK stack turns each
 * constant into an SSM Command document with exactly these lines and no parameters; without those
 * documents the updater sends the same lines through {@code AWS-RunShellScript}.
 *
 * <p>All commands return within seconds. The long step, writing the new image (up to 10 minutes),
 * runs in the host's background after {@link #PREPARE} returns, and the updater polls {@link
 * #STATUS} for its end, so no SSM invocation has to outlive a Lambda invocation.
 */
public enum HostCommand {
  /**
   * Refreshes the update metadata and prints the status document (sorted keys, pretty). The first
   * command of every boot must be a check: the status is kept on tmpfs and lost on reboot.
   */
  CHECK("Check", List.of("apiclient update check")),

  /** Prints the status document without refreshing it (compact, struct order). */
  STATUS("Status", List.of("apiclient raw -u /updates/status")),

  /**
   * Checks, printing the status document, then asks the host to download the chosen update to the
   * inactive partition. The POST returns at once; the download goes on in the background.
   */
  PREPARE(
      "Prepare",
      List.of("apiclient update check", "apiclient raw -u /actions/prepare-update -m POST")),

  /** Marks the staged image as the one to boot next (Staged to Ready). Takes about a second. */
  ACTIVATE("Activate", List.of("apiclient raw -u /actions/activate-update -m POST")),

  /**
   * Reboots, but only while the update state is Ready. SSM may re-run a command that a reboot
   * interrupted; after the reboot the status is no longer Ready, so the re-run refuses instead of
   * rebooting again. The compact {@code raw} output is matched, which has no spaces around the
   * colon.
   */
  REBOOT(
      "Reboot",
      List.of(
          "status=\"$(apiclient raw -u /updates/status)\" || exit 1",
          "case \"$status\" in",
          "  *'\"update_state\":\"Ready\"'*) apiclient reboot ;;",
          "  *) echo \"refusing to reboot: update state is not Ready\" >&2; exit 1 ;;",
          "esac")),

  /**
   * Undoes an activation (Ready to Staged) so that an unplanned reboot keeps the running version.
   */
  CANCEL("Cancel", List.of("apiclient update cancel"));

  private final String documentSuffix;
  private final List<String> lines;

  HostCommand(String documentSuffix, List<String> lines) {
    this.documentSuffix = documentSuffix;
    this.lines = lines;
  }

  /** The shell lines, in order, as given to {@code aws:runShellScript}. */
  public List<String> lines() {
    return lines;
  }

  /**
   * The name of this command's SSM document under a prefix, e.g. {@code BottlerocketUpdater-Check}.
   */
  public String documentName(String prefix) {
    return prefix + documentSuffix;
  }

  /** The suffix that follows the configured prefix in this command's SSM document name. */
  public String documentSuffix() {
    return documentSuffix;
  }
}
