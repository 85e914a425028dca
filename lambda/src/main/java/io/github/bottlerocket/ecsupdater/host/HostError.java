package io.github.bottlerocket.ecsupdater.host;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a host command did not give the answer the updater needs.
 *
 * @param kind the class of failure, which decides what the updater does next
 * @param httpStatus the Bottlerocket API status inside an {@code apiclient} error, if there was one
 * @param detail a one-line description for reports and logs, with terminal colour codes removed
 */
public record HostError(Kind kind, OptionalInt httpStatus, String detail) {

  /** Classes of host command failures. */
  public enum Kind {
    /** 423: another update command holds the lock. Transient: ask again later. */
    LOCKED,
    /** 404 on the status: nothing ran since boot. Run a check first. */
    UNINITIALIZED,
    /** 404 on an action: the chosen update or the staged image is gone. */
    NOTHING_TO_APPLY,
    /** 409: the action is not allowed in the current update state. Check, then plan again. */
    WRONG_STATE,
    /** The command succeeded but its output is not a status document. */
    UNPARSEABLE,
    /** The command exited non-zero for another reason (for example a failed download). */
    FAILED,
    /** SSM could not run the command: undeliverable, timed out, cancelled or terminated. */
    NOT_RUN
  }

  // apiclient's error grammar, current and 2020 forms: "Status 423 when POSTing ..." and
  // "... got code '423 Locked': ...".
  private static final Pattern STATUS_CODE =
      Pattern.compile("Status (\\d{3}) when|got code '(\\d{3})");
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  private static final int MAX_DETAIL = 240;

  public HostError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(httpStatus, "httpStatus");
    detail = shorten(detail == null ? "" : detail);
  }

  public static HostError of(Kind kind, String detail) {
    return new HostError(kind, OptionalInt.empty(), detail);
  }

  /** Whether asking again later, unchanged, may well succeed. */
  public boolean isTransient() {
    return switch (kind) {
      // Garbled output is a fault of the transport, not an answer: a second read may be clean.
      case LOCKED, UNINITIALIZED, NOT_RUN, UNPARSEABLE -> true;
      case NOTHING_TO_APPLY, WRONG_STATE, FAILED -> false;
    };
  }

  /**
   * Classifies what a failed {@code apiclient} call printed on standard error. Only the status code
   * and well-known phrases are read; the text itself is kept for the report.
   */
  public static HostError fromStderr(String stderr) {
    String text = clean(stderr);
    if (text.isEmpty()) {
      return of(Kind.FAILED, "the command failed and printed nothing on standard error");
    }
    Matcher m = STATUS_CODE.matcher(text);
    if (m.find()) {
      int code = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
      Kind kind =
          switch (code) {
            case 423 -> Kind.LOCKED;
            case 409 -> Kind.WRONG_STATE;
            case 404 -> text.contains("uninitialized") ? Kind.UNINITIALIZED : Kind.NOTHING_TO_APPLY;
            default -> Kind.FAILED;
          };
      return new HostError(kind, OptionalInt.of(code), text);
    }
    return of(Kind.FAILED, text);
  }

  /** Removes terminal colour codes (SSM keeps them) and joins the lines. */
  static String clean(String text) {
    if (text == null) {
      return "";
    }
    return ANSI.matcher(text).replaceAll("").strip().replaceAll("\\s*\\R\\s*", " | ");
  }

  private static String shorten(String text) {
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL - 3) + "...";
  }
}
