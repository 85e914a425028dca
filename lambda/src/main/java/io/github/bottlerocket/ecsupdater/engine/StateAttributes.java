package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.Echo;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the updater's state is written into ECS custom attributes and cluster tags.
 *
 * <p>ECS allows 10 custom attributes per container instance, and the operator's own and {@code
 * bottlerocket.variant} count against them, so the updater uses at most two, each a compact
 * slash-separated value (a value may hold letters, digits, {@code - _ . @ / \ :} and inner spaces,
 * at most 128 characters):
 *
 * <pre>
 * bottlerocket-ecs-updater.state   = PHASE/from/target/sinceMillis/outOfServiceSinceMillis/commandId
 * bottlerocket-ecs-updater.failure = REASON/PHASE/target/atMillis/count
 * </pre>
 *
 * An absent part is written as {@code -}. Operators set {@code bottlerocket-ecs-updater.opt-out}
 * themselves to keep the updater away from an instance.
 */
public final class StateAttributes {
  /** The attribute that holds the {@link PhaseRecord} of an update in progress. */
  public static final String STATE = "bottlerocket-ecs-updater.state";

  /** The attribute that holds the last {@link FailureRecord}. */
  public static final String FAILURE = "bottlerocket-ecs-updater.failure";

  /**
   * Set by operators to keep the updater away from an instance: its presence opts out, with any
   * value or none, unless the value is {@code false}.
   */
  public static final String OPT_OUT = "bottlerocket-ecs-updater.opt-out";

  /** Cluster tag: when the last update check of the cluster's idle instances finished. */
  public static final String LAST_CHECK_TAG = "bottlerocket-ecs-updater:last-check";

  /**
   * Cluster tag: pauses new starts in this cluster only. Read with the words of the {@code PAUSED}
   * setting; a value that is not one of them pauses too (see {@link Observation#clusterPaused()}).
   */
  public static final String PAUSED_TAG = "bottlerocket-ecs-updater:paused";

  /** Every updater tag key starts with this. */
  public static final String TAG_PREFIX = "bottlerocket-ecs-updater:";

  /** Every updater attribute name starts with this. */
  public static final String ATTRIBUTE_PREFIX = "bottlerocket-ecs-updater.";

  private static final String NONE = "-";
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z._\\-]{1,32}");
  private static final Pattern COMMAND_ID = Pattern.compile("[0-9A-Za-z\\-]{1,64}");

  private StateAttributes() {}

  public static String encode(PhaseRecord r) {
    return String.join(
        "/",
        r.phase().name(),
        version(r.fromVersion()),
        version(r.targetVersion()),
        Long.toString(r.since().toEpochMilli()),
        r.outOfServiceSince().map(i -> Long.toString(i.toEpochMilli())).orElse(NONE),
        r.commandId().filter(c -> COMMAND_ID.matcher(c).matches()).orElse(NONE));
  }

  /**
   * Reads a state attribute value.
   *
   * @throws IllegalArgumentException saying which part is unreadable
   */
  public static PhaseRecord decodePhase(String value) {
    String[] p = split(value, 6);
    return new PhaseRecord(
        enumValue(Phase.class, p[0], "phase"),
        optional(p[1]),
        optional(p[2]),
        instant(p[3], "phase start"),
        optional(p[4]).map(v -> instant(v, "out-of-service start")),
        optional(p[5]));
  }

  public static String encode(FailureRecord f) {
    return String.join(
        "/",
        f.reason().name(),
        f.phase().name(),
        version(f.targetVersion()),
        Long.toString(f.at().toEpochMilli()),
        Integer.toString(f.count()));
  }

  /**
   * Reads a failure attribute value.
   *
   * @throws IllegalArgumentException saying which part is unreadable
   */
  public static FailureRecord decodeFailure(String value) {
    String[] p = split(value, 5);
    int count;
    try {
      count = Integer.parseInt(p[4]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the failure count " + Echo.quote(p[4]) + " is not a number");
    }
    if (count < 1) {
      throw new IllegalArgumentException("the failure count must be at least 1, got " + count);
    }
    return new FailureRecord(
        enumValue(FailureReason.class, p[0], "failure reason"),
        enumValue(Phase.class, p[1], "phase"),
        optional(p[2]),
        instant(p[3], "failure time"),
        count);
  }

  /**
   * Whether an opt-out attribute means "keep away": present with any value, the empty value of an
   * attribute without one included, except {@code false} (any case, spaces around ignored). A value
   * that is not understood keeps the updater away: an opt-out fails closed.
   *
   * @param value the attribute's value; {@code null} when the instance does not carry it
   */
  public static boolean isOptOut(String value) {
    return value != null && !value.strip().equalsIgnoreCase("false");
  }

  /** The value of the last-check tag. */
  public static String encodeInstant(Instant at) {
    return at.toString();
  }

  /**
   * Reads the last-check tag; an unreadable value, or a time outside the years 1970 to 9999, counts
   * as "never".
   */
  public static Optional<Instant> decodeInstant(String value) {
    try {
      return Optional.of(Instant.parse(value.strip())).filter(StateAttributes::plausible);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a recorded time lies in the years 1970 to 9999: any setting's duration can be added to
   * such a time, and the time between two of them measured in milliseconds, without overflow.
   */
  private static boolean plausible(Instant t) {
    return !t.isBefore(Instant.EPOCH) && !t.isAfter(LATEST);
  }

  private static String version(Optional<String> v) {
    return v.filter(x -> VERSION.matcher(x).matches()).orElse(NONE);
  }

  private static String[] split(String value, int parts) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the attribute has no value");
    }
    String[] p = value.strip().split("/", -1);
    if (p.length != parts) {
      throw new IllegalArgumentException(
          "expected "
              + parts
              + " parts separated by '/', found "
              + p.length
              + " in "
              + Echo.quote(value));
    }
    return p;
  }

  private static Optional<String> optional(String part) {
    return part.isEmpty() || part.equals(NONE) ? Optional.empty() : Optional.of(part);
  }

  private static Instant instant(String part, String what) {
    Instant t;
    try {
      t = Instant.ofEpochMilli(Long.parseLong(part));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the " + what + " " + Echo.quote(part) + " is not a time in epoch milliseconds");
    }
    if (!plausible(t)) {
      throw new IllegalArgumentException(
          "the "
              + what
              + " "
              + Echo.quote(part)
              + " is not a time between the years 1970 and 9999");
    }
    return t;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String part, String what) {
    try {
      return Enum.valueOf(type, part.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown " + what + " " + Echo.quote(part));
    }
  }
}
