package io.github.bottlerocket.ecsupdater.config;

import io.github.bottlerocket.ecsupdater.Echo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rollout gates' settings: which versions may be taken (release soak, promotion from another
 * cluster, a version cap) and what holds new starts back (CloudWatch alarms, change calendars, a
 * bake after each update). Read with the rest of {@link Settings}; every gate is off unless set.
 *
 * @param minReleaseAge no host takes a release younger than this; zero turns the soak off
 * @param expedite versions that skip the soak
 * @param promoteFrom the cluster whose passes qualify versions for this one
 * @param promoteMinHosts how many of its Bottlerocket hosts must have run a version; empty: all
 * @param promoteSoak how long they must have run it
 * @param maxVersion no host takes a version above this
 * @param alarmNames CloudWatch alarms (metric or composite) that hold new starts while not OK
 * @param alarmPrefix every alarm whose name starts with this holds them as well
 * @param insufficientDataHolds whether an alarm in INSUFFICIENT_DATA holds like one in ALARM
 * @param bakeTime after an update, how long alarms must stay OK before the next drain
 * @param canaryHosts the first hosts of a new version, before the longer canary bake
 * @param canaryBakeTime the bake after the last canary
 * @param changeCalendars SSM Change Calendars (names or ARNs) that must all be OPEN
 */
public record GateSettings(
    Duration minReleaseAge,
    Set<Version> expedite,
    Optional<String> promoteFrom,
    OptionalInt promoteMinHosts,
    Duration promoteSoak,
    Optional<Version> maxVersion,
    List<String> alarmNames,
    Optional<String> alarmPrefix,
    boolean insufficientDataHolds,
    Duration bakeTime,
    int canaryHosts,
    Duration canaryBakeTime,
    List<String> changeCalendars) {

  /** DescribeAlarms takes at most 100 names in one call. */
  public static final int MAX_ALARM_NAMES = 100;

  /** More calendars than this in one GetCalendarState is a mistake rather than a policy. */
  public static final int MAX_CALENDARS = 10;

  /** The most hosts a cluster of ECS can have. */
  static final int MAX_HOSTS = 5000;

  /** What ALARM_INSUFFICIENT_DATA accepts. */
  public static final String HOLD = "hold";

  public static final String OK = "ok";

  /** A CloudWatch alarm name: printable characters without commas, 1 to 255 of them. */
  private static final Pattern ALARM_NAME = Pattern.compile("[^,\\p{Cntrl}]{1,255}");

  /** An SSM document name as Change Calendars have them, or a document ARN. */
  private static final Pattern CALENDAR =
      Pattern.compile(
          "[A-Za-z0-9_.\\-]{3,128}"
              + "|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\\d{12}:document/[A-Za-z0-9_.\\-]{3,128}");

  private static final Duration YEAR = Duration.ofDays(365);
  private static final Duration MONTH = Duration.ofDays(30);

  public GateSettings {
    expedite = Set.copyOf(expedite);
    alarmNames = List.copyOf(alarmNames);
    changeCalendars = List.copyOf(changeCalendars);
  }

  /** Every gate off. */
  public static GateSettings none() {
    return new GateSettings(
        Duration.ZERO,
        Set.of(),
        Optional.empty(),
        OptionalInt.empty(),
        Duration.ofDays(1),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        true,
        Duration.ZERO,
        0,
        Duration.ZERO,
        List.of());
  }

  /** Whether releases must be older than MIN_RELEASE_AGE. */
  public boolean soaks() {
    return !minReleaseAge.isZero();
  }

  /** Whether CloudWatch alarms hold new starts. */
  public boolean watchesAlarms() {
    return !alarmNames.isEmpty() || alarmPrefix.isPresent();
  }

  /** Whether change calendars hold new starts. */
  public boolean followsCalendars() {
    return !changeCalendars.isEmpty();
  }

  /** Whether versions must be qualified by another cluster first. */
  public boolean promotes() {
    return promoteFrom.isPresent();
  }

  /** Whether a drain waits for the bake after each update. */
  public boolean bakes() {
    return !bakeTime.isZero() || canaryHosts > 0;
  }

  static GateSettings read(Settings.Reader r) {
    Duration minAge =
        r.duration(
            Setting.MIN_RELEASE_AGE, Duration.ZERO, YEAR, "a release a year old is an old one");
    Set<Version> expedite = versions(r, Setting.EXPEDITE_VERSIONS);
    Optional<String> promoteFrom = cluster(r, Setting.PROMOTE_FROM);
    OptionalInt minHosts = OptionalInt.empty();
    if (!r.raw(Setting.PROMOTE_MIN_HOSTS).isEmpty()) {
      minHosts = OptionalInt.of(r.integer(Setting.PROMOTE_MIN_HOSTS, 1, MAX_HOSTS));
    }
    Duration promoteSoak =
        r.duration(
            Setting.PROMOTE_SOAK, Duration.ZERO, YEAR, "a soak a year long promotes nothing");
    Optional<Version> maxVersion = version(r, Setting.MAX_VERSION);
    List<String> alarms =
        list(
            r,
            Setting.ALARM_NAMES,
            ALARM_NAME,
            MAX_ALARM_NAMES,
            "comma-separated CloudWatch alarm names (1 to 255 characters each, no commas), at most "
                + MAX_ALARM_NAMES
                + ", or empty for none");
    Optional<String> prefix =
        r.optionalText(
            Setting.ALARM_PREFIX,
            ALARM_NAME,
            "the start of CloudWatch alarm names (1 to 255 characters, no commas), or"
                + " empty for none");
    boolean holds =
        r.parse(
            Setting.ALARM_INSUFFICIENT_DATA,
            v ->
                switch (v.toLowerCase(java.util.Locale.ROOT)) {
                  case HOLD -> true;
                  case OK -> false;
                  default -> throw new IllegalArgumentException();
                },
            "'" + HOLD + "' (new starts wait, as in ALARM) or '" + OK + "' (counts as OK)",
            true);
    String bakeWhy = "a bake longer than a month stops the rollout; pause it instead";
    Duration bake = r.duration(Setting.BAKE_TIME, Duration.ZERO, MONTH, bakeWhy);
    int canaries = r.integer(Setting.CANARY_HOSTS, 0, 100);
    Duration canaryBake = bake;
    if (!r.raw(Setting.CANARY_BAKE_TIME).isEmpty()) {
      canaryBake = r.duration(Setting.CANARY_BAKE_TIME, Duration.ZERO, MONTH, bakeWhy);
    }
    List<String> calendars =
        list(
            r,
            Setting.CHANGE_CALENDARS,
            CALENDAR,
            MAX_CALENDARS,
            "comma-separated SSM Change Calendar names or document ARNs, at most "
                + MAX_CALENDARS
                + ", or empty for none");

    if (minHosts.isPresent()
        && promoteFrom.isEmpty()
        && r.valid(Setting.PROMOTE_FROM, Setting.PROMOTE_MIN_HOSTS)) {
      r.problem(
          Setting.PROMOTE_MIN_HOSTS,
          "set only together with PROMOTE_FROM, the cluster whose hosts it counts");
    }
    if (r.valid(Setting.BAKE_TIME, Setting.CANARY_BAKE_TIME) && canaryBake.compareTo(bake) < 0) {
      r.problem(
          Setting.CANARY_BAKE_TIME,
          "at least BAKE_TIME ("
              + Durations.format(bake)
              + "): the canaries' bake is the longer one");
    }
    return new GateSettings(
        minAge,
        expedite,
        promoteFrom,
        minHosts,
        promoteSoak,
        maxVersion,
        alarms,
        prefix,
        holds,
        bake,
        canaries,
        canaryBake,
        calendars);
  }

  private static Optional<Version> version(Settings.Reader r, Setting s) {
    String v = r.raw(s);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Optional<Version> parsed = Version.parse(v);
    if (parsed.isEmpty()) {
      r.problem(s, Version.FORM_TEXT + ", or empty for no cap");
    }
    return parsed;
  }

  private static Set<Version> versions(Settings.Reader r, Setting s) {
    Set<Version> out = new LinkedHashSet<>();
    String v = r.raw(s);
    if (v.isEmpty()) {
      return out;
    }
    for (String entry : entries(v)) {
      Optional<Version> parsed = Version.parse(entry);
      if (parsed.isEmpty()) {
        r.problem(
            s.key()
                + " must be comma-separated versions, each "
                + Version.FORM_TEXT
                + "; "
                + Echo.quote(entry)
                + " is not one, in "
                + Echo.quote(v));
        return Set.of();
      }
      out.add(parsed.get());
    }
    if (out.isEmpty()) {
      r.problem(s.key() + " has no version between its commas, got " + Echo.quote(v));
    }
    return out;
  }

  private static Optional<String> cluster(Settings.Reader r, Setting s) {
    String v = r.raw(s);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!Settings.CLUSTER_NAME.matcher(v).matches() && !Settings.CLUSTER_ARN.matcher(v).matches()) {
      r.problem(s, "a cluster name or ARN (the cluster whose passes qualify versions), or empty");
      return Optional.empty();
    }
    return Optional.of(v);
  }

  private static List<String> list(
      Settings.Reader r, Setting s, Pattern each, int most, String accepted) {
    String v = r.raw(s);
    if (v.isEmpty()) {
      return List.of();
    }
    List<String> entries = entries(v);
    if (entries.isEmpty()) {
      r.problem(
          s.key()
              + " must be "
              + accepted
              + "; it has nothing between its commas, got "
              + Echo.quote(v));
      return List.of();
    }
    for (String e : entries) {
      if (!each.matcher(e).matches()) {
        r.problem(
            s.key()
                + " must be "
                + accepted
                + "; "
                + Echo.quote(e)
                + " is not one, in "
                + Echo.quote(v));
        return List.of();
      }
    }
    List<String> distinct = List.copyOf(new LinkedHashSet<>(entries));
    if (distinct.size() > most) {
      r.problem(s.key() + " must be " + accepted + "; it names " + distinct.size());
      return List.of();
    }
    return distinct;
  }

  private static List<String> entries(String v) {
    List<String> out = new ArrayList<>();
    Arrays.stream(v.split(",", -1)).map(String::strip).filter(e -> !e.isEmpty()).forEach(out::add);
    return out;
  }
}
