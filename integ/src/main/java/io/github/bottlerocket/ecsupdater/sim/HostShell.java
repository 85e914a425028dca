package io.github.bottlerocket.ecsupdater.sim;

import io.github.bottlerocket.ecsupdater.host.HostCommand;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Runs the updater's host commands the way a host's shell and {@code apiclient} would: the lines of
 * each {@link HostCommand} one after another (the script's exit code is the last line's), with
 * {@code apiclient}'s output formats, error wording and exit codes. A host that does not run
 * Bottlerocket has no {@code apiclient}.
 */
final class HostShell {

  /** What a script did: exit code, output, and whether it asked the host to reboot. */
  record Result(int exitCode, String stdout, String stderr, boolean rebootRequested) {
    static Result ok(String stdout, String stderr) {
      return new Result(0, stdout, stderr, false);
    }

    static Result error(String stderr) {
      return new Result(1, "", stderr + "\n", false);
    }

    Result then(Result next) {
      return new Result(
          next.exitCode,
          stdout + next.stdout,
          stderr + next.stderr,
          rebootRequested || next.rebootRequested);
    }
  }

  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final String NOT_FOUND = "sh: line 1: apiclient: command not found\n";

  private HostShell() {}

  static Result run(HostCommand command, Optional<BottlerocketHost> bottlerocket, Instant now) {
    if (bottlerocket.isEmpty()) {
      return new Result(command == HostCommand.REBOOT ? 1 : 127, "", NOT_FOUND, false);
    }
    BottlerocketHost host = bottlerocket.get();
    return switch (command) {
      case CHECK -> check(host, now);
      case STATUS -> rawStatus(host, now);
      case PREPARE ->
          check(host, now).then(rawPost(host, "/actions/prepare-update", host.prepare(now)));
      case ACTIVATE -> rawPost(host, "/actions/activate-update", host.activate(now));
      case REBOOT -> guardedReboot(host, now);
      case CANCEL -> cancel(host, now);
    };
  }

  /** {@code apiclient update check}: refresh, wait, print the status pretty and sorted. */
  private static Result check(BottlerocketHost host, Instant now) {
    BottlerocketHost.Answer initial = host.status(now);
    if (initial.code() == 423) {
      return Result.error(
          "Failed to check for updates: Unable to check initial update status, got code '423 Locked': "
              + initial.body());
    }
    BottlerocketHost.Answer refresh = host.refresh(now);
    if (!refresh.ok()) {
      return Result.error(
          "Failed to check for updates: Failed to make refresh request: "
              + status(refresh, "POST", "/actions/refresh-updates"));
    }
    return Result.ok(host.checkOutput(now) + "\n", info(now, "Refreshing updates..."));
  }

  /** {@code apiclient raw -u /updates/status}: the body verbatim. */
  private static Result rawStatus(BottlerocketHost host, Instant now) {
    BottlerocketHost.Answer a = host.status(now);
    if (!a.ok()) {
      return Result.error(
          "Failed GET request to '/updates/status': " + status(a, "GET", "/updates/status"));
    }
    return Result.ok(a.body() + "\n", "");
  }

  private static Result rawPost(BottlerocketHost host, String path, BottlerocketHost.Answer a) {
    if (!a.ok()) {
      return Result.error("Failed POST request to '" + path + "': " + status(a, "POST", path));
    }
    return Result.ok("", "");
  }

  /** The guarded reboot script: reboot only when the compact status says Ready. */
  private static Result guardedReboot(BottlerocketHost host, Instant now) {
    Result status = rawStatus(host, now);
    if (status.exitCode() != 0) {
      return status;
    }
    if (!status.stdout().contains("\"update_state\":\"Ready\"")) {
      return new Result(1, "", "refusing to reboot: update state is not Ready\n", false);
    }
    return new Result(0, "", "", true);
  }

  /** {@code apiclient update cancel}: deactivate (Ready to Staged). */
  private static Result cancel(BottlerocketHost host, Instant now) {
    BottlerocketHost.Answer a = host.deactivate(now);
    if (!a.ok()) {
      return Result.error(
          "Failed to cancel update: Failed to make deactivate request: "
              + status(a, "POST", "/actions/deactivate-update"));
    }
    return Result.ok("", info(now, "Canceling update..."));
  }

  /** apiclient's error grammar: {@code Status <code> when <METHOD>ing <path>: <body>}. */
  private static String status(BottlerocketHost.Answer a, String method, String path) {
    return "Status " + a.code() + " when " + method + "ing " + path + ": " + a.body();
  }

  /** A log line as apiclient prints it on standard error, colour codes included. */
  private static String info(Instant now, String message) {
    return LOG_TIME.format(now) + " \u001B[0m\u001B[34m[INFO] \u001B[0m" + message + "\n";
  }
}
