package io.github.bottlerocket.ecsupdater.sim;

/**
 * The {@code Output} of a command plugin as {@code ListCommandInvocations} (with {@code Details})
 * returns it: what the SSM agent reports for the plugin, standard output then, if there is any,
 * standard error after an error title, the two cut to fit 2,400 characters with a marker where each
 * was cut (amazon-ssm-agent, {@code iohandler.TruncateOutput} and {@code MaximumPluginOutputSize}).
 * The service keeps at most 2,500 characters of it. The agent counts bytes; the simulation counts
 * characters, which is the same for the ASCII its hosts print.
 */
final class PluginOutput {
  /** What the agent puts between standard output and standard error. */
  static final String ERROR_TITLE = "\n----------ERROR-------\n";

  static final String OUTPUT_CUT = "\n---Output truncated---";
  static final String ERROR_CUT = "\n---Error truncated----";
  static final int AGENT_LIMIT = 2400;
  static final int SERVICE_LIMIT = 2500;

  private PluginOutput() {}

  static String of(String stdout, String stderr) {
    String title = stderr.isEmpty() ? "" : ERROR_TITLE;
    int room = AGENT_LIMIT - title.length();
    String out;
    if (stdout.length() + stderr.length() < room) {
      out = stdout + title + stderr;
    } else if (stdout.length() > room / 2 && stderr.length() > room / 2) {
      int cut = room - ERROR_CUT.length() - OUTPUT_CUT.length();
      out =
          stdout.substring(0, cut / 2)
              + OUTPUT_CUT
              + title
              + stderr.substring(0, cut / 2)
              + ERROR_CUT;
    } else if (stdout.length() < room / 2) {
      int cut = room - ERROR_CUT.length();
      out = stdout + title + stderr.substring(0, cut - stdout.length()) + ERROR_CUT;
    } else {
      int cut = room - OUTPUT_CUT.length();
      // The agent does not guard the edge where standard output is exactly half the room and the
      // error longer; the simulation keeps the error whole and cuts the output to nothing there.
      out = stdout.substring(0, Math.max(0, cut - stderr.length())) + OUTPUT_CUT + title + stderr;
    }
    return out.length() <= SERVICE_LIMIT ? out : out.substring(0, SERVICE_LIMIT);
  }
}
