package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.Echo;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the updater's state is written into ECS custom attributes and cluster tags.
 *
 * <p>ECS allows 10 custom attributes per container instance, and the operator's own and {@code
 * bottlerocket.variant} count against them, so the updater uses at most two, each a compact
 * slash-separated value (a value may hold letters, digits, {@code - _ . @ / \ :} and inner spaces,
 * at most 128 characters). Each value starts with its record format:
 *
 * <pre>
 * bottlerocket-ecs-updater.state   = 2/PHASE/from/target/sinceMillis/outOfServiceSinceMillis/commandId/marks
 * bottlerocket-ecs-updater.failure = 2/REASON/PHASE/target/atMillis/count
 * </pre>
 *
 * An absent part is written as {@code -}. Format 1 is the same without the leading {@code 2/} and
 * without marks, and a failure always names its phase; it is read as written. A value of a format
 * this updater does not know is unreadable: the instance is reported and left alone. Operators set
 * {@code bottlerocket-ecs-updater.opt-out} themselves to keep the updater away from an instance.
 */
public final class StateAttributes {
  /** The attribute that holds the {@link PhaseRecord} of an update in progress. */
  public static final String STATE = "bottlerocket-ecs-updater.state";

  /** The attribute that holds the last {@link FailureRecord}. */
  public static final String FAILURE = "bottlerocket-ecs-updater.failure";

  /** Set by operators (any value but {@code false}) to keep the updater away from an instance. */
  public static final String OPT_OUT = "bottlerocket-ecs-updater.opt-out";

  /** Cluster tag: when the last update check of the cluster's idle instances finished. */
  public static final String LAST_CHECK_TAG = "bottlerocket-ecs-updater:last-check";

  /** Cluster tag: {@code true} pauses new starts in this cluster only. */
  public static final String PAUSED_TAG = "bottlerocket-ecs-updater:paused";

  /**
   * Cluster tag naming the table of the cluster's lease, written by a pass that holds a lease in
   * it, so that the command-line runner takes the same lease as the deployed function.
   */
  public static final String LEASE_TABLE_TAG = "bottlerocket-ecs-updater:lease-table";

  /** Every updater tag key starts with this. */
  public static final String TAG_PREFIX = "bottlerocket-ecs-updater:";

  /** Every updater attribute name starts with this. */
  public static final String ATTRIBUTE_PREFIX = "bottlerocket-ecs-updater.";

  /** The record format this updater writes. */
  public static final int FORMAT = 2;

  /**
   * How far in the future a recorded time may lie before the record is not believed: the clocks of
   * the machines that run passes differ by this much at most.
   */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  /** Failure reasons as format 1 wrote them, where the name has changed since. */
  private static final Map<String, FailureReason> FORMAT_1_FAILURES =
      Map.of("STANDALONE_TASKS", FailureReason.STANDALONE_TASKS_APPEARED);

  private static final String NONE = "-";
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z._\\-]{1,32}");
  private static final Pattern COMMAND_ID = Pattern.compile("[0-9A-Za-z\\-]{1,64}");
  private static final Pattern FORMAT_PREFIX = Pattern.compile("(\\d{1,3})/.*", Pattern.DOTALL);

  private StateAttributes() {}

  public static String encode(PhaseRecord r) {
    StringBuilder marks = new StringBuilder();
    for (PhaseRecord.Mark m : PhaseRecord.Mark.values()) {
      if (r.has(m)) {
        marks.append(m.letter());
      }
    }
    return String.join(
        "/",
        Integer.toString(FORMAT),
        r.phase().name(),
        version(r.fromVersion()),
        version(r.targetVersion()),
        Long.toString(r.since().toEpochMilli()),
        r.outOfServiceSince().map(i -> Long.toString(i.toEpochMilli())).orElse(NONE),
        r.commandId().filter(c -> COMMAND_ID.matcher(c).matches()).orElse(NONE),
        marks.isEmpty() ? NONE : marks.toString());
  }

  /**
   * Reads a state attribute value of any readable format.
   *
   * @throws IllegalArgumentException saying which part is unreadable
   */
  public static PhaseRecord decodePhase(String value) {
    int format = format(value);
    String[] p = split(value, format == 1 ? 6 : 8);
    int at = format == 1 ? 0 : 1;
    return new PhaseRecord(
        enumValue(Phase.class, p[at], "phase"),
        optional(p[at + 1]),
        optional(p[at + 2]),
        instant(p[at + 3], "phase start"),
        optional(p[at + 4]).map(v -> instant(v, "out-of-service start")),
        optional(p[at + 5]),
        format == 1 ? Set.of() : marks(p[at + 6]));
  }

  public static String encode(FailureRecord f) {
    return String.join(
        "/",
        Integer.toString(FORMAT),
        f.reason().name(),
        f.phase().map(Phase::name).orElse(NONE),
        version(f.targetVersion()),
        Long.toString(f.at().toEpochMilli()),
        Integer.toString(f.count()));
  }

  /**
   * Reads a failure attribute value of any readable format.
   *
   * @throws IllegalArgumentException saying which part is unreadable
   */
  public static FailureRecord decodeFailure(String value) {
    int format = format(value);
    String[] p = split(value, format == 1 ? 5 : 6);
    int at = format == 1 ? 0 : 1;
    int count;
    try {
      count = Integer.parseInt(p[at + 4]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the failure count " + Echo.quote(p[at + 4]) + " is not a number");
    }
    if (count < 1) {
      throw new IllegalArgumentException("the failure count must be at least 1, got " + count);
    }
    FailureReason reason =
        format == 1 && FORMAT_1_FAILURES.containsKey(p[at])
            ? FORMAT_1_FAILURES.get(p[at])
            : enumValue(FailureReason.class, p[at], "failure reason");
    Optional<Phase> phase =
        format == 1
            ? Optional.of(enumValue(Phase.class, p[at + 1], "phase"))
            : optional(p[at + 1]).map(x -> enumValue(Phase.class, x, "phase"));
    return new FailureRecord(
        reason, phase, optional(p[at + 2]), instant(p[at + 3], "failure time"), count);
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

  /** The record format of a value: 1 when it carries none, otherwise its leading number. */
  private static int format(String value) {
    if (value == null) {
      throw new IllegalArgumentException("the value is missing");
    }
    var m = FORMAT_PREFIX.matcher(value.strip());
    if (!m.matches()) {
      return 1;
    }
    int format = Integer.parseInt(m.group(1));
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          "record format "
              + format
              + " is not one this updater reads (format "
              + FORMAT
              + ", and format 1, which carries no number); a newer version of the updater wrote it:"
              + " run that version or a newer one");
    }
    return format;
  }

  private static Set<PhaseRecord.Mark> marks(String part) {
    if (part.equals(NONE)) {
      return Set.of();
    }
    EnumSet<PhaseRecord.Mark> marks = EnumSet.noneOf(PhaseRecord.Mark.class);
    for (char c : part.toCharArray()) {
      PhaseRecord.Mark found = null;
      for (PhaseRecord.Mark m : PhaseRecord.Mark.values()) {
        if (m.letter() == c) {
          found = m;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException("unknown mark '" + c + "' in " + Echo.quote(part));
      }
      marks.add(found);
    }
    return marks;
  }

  private static String version(Optional<String> v) {
    return v.filter(x -> VERSION.matcher(x).matches()).orElse(NONE);
  }

  private static String[] split(String value, int parts) {
    if (value.isBlank()) {
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

  /**
   * Whether a recorded time lies in the years 1970 to 9999: any setting's duration can be added to
   * such a time, and the time between two of them measured in milliseconds, without overflow.
   */
  private static boolean plausible(Instant t) {
    return !t.isBefore(Instant.EPOCH) && !t.isAfter(LATEST);
  }

  /** Reads a constant exactly as written: the updater writes them in upper case. */
  private static <E extends Enum<E>> E enumValue(Class<E> type, String part, String what) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(part)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown " + what + " " + Echo.quote(part));
  }
}
