package io.github.bottlerocket.ecsupdater.engine.run;

import io.github.bottlerocket.ecsupdater.config.GateSettings;
import io.github.bottlerocket.ecsupdater.engine.FirstSeen;
import io.github.bottlerocket.ecsupdater.engine.GateFacts;
import io.github.bottlerocket.ecsupdater.model.AlarmState;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.ParameterValue;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.CloudWatchPort;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what the rollout gates decide on, for one pass: the alarms (one DescribeAlarms per 100
 * names, and per 100 alarms of ALARM_PREFIX), the change calendars (one GetCalendarState), the
 * PROMOTE_FROM cluster (one DescribeClusters) and, for each release an instance would take, its
 * public SSM parameter (one GetParameters). Each reads only when its setting is set.
 *
 * <p>The cluster-wide facts are read at the first observation of the pass and then again only when
 * the planner asks, at most once per observation. Release dates do not change and are read once per
 * pass. A transient fault propagates, so that the pass waits and looks again like for any other
 * read; any other fault makes the fact unreadable, which holds new starts, and is kept as a problem
 * of the configuration.
 */
final class GateReader {
  /** Bottlerocket's public parameters: {@code <prefix><variant>/<arch>/<version>/image_id}. */
  static final String PUBLIC_PREFIX = "/aws/service/bottlerocket/";

  private final EcsPort ecs;
  private final SsmPort ssm;
  private final CloudWatchPort cloudWatch;
  private final GateSettings g;
  private final Clock clock;
  private final ClusterTags tags;

  private boolean fresh;
  private Optional<Instant> readAt = Optional.empty();
  private Optional<GateFacts.Read<GateFacts.Alarms>> alarms = Optional.empty();
  private Optional<GateFacts.Read<CalendarState>> calendars = Optional.empty();
  private Optional<GateFacts.Read<ClusterInfo>> promotion = Optional.empty();
  private final Map<String, GateFacts.Read<GateFacts.Release>> releases = new HashMap<>();
  private final Map<String, String> problems = new LinkedHashMap<>();

  GateReader(
      EcsPort ecs,
      SsmPort ssm,
      CloudWatchPort cloudWatch,
      GateSettings g,
      Clock clock,
      ClusterTags tags) {
    this.ecs = ecs;
    this.ssm = ssm;
    this.cloudWatch = cloudWatch;
    this.g = g;
    this.clock = clock;
    this.tags = tags;
  }

  /** Whether any cluster-wide fact is configured at all. */
  private boolean anyClusterWide() {
    return g.watchesAlarms() || g.followsCalendars() || g.promotes();
  }

  /** A new observation begins: the cluster-wide facts are read at the first one of the pass. */
  void observing() {
    fresh = false;
    if (readAt.isEmpty() && anyClusterWide()) {
      readClusterWide();
    }
  }

  /** The planner asked: the cluster-wide facts unless read for this observation, and releases. */
  void read(Set<String> releaseKeys) {
    if (!fresh) {
      readClusterWide();
    }
    for (String key : releaseKeys) {
      if (!releases.containsKey(key)) {
        releases.put(key, release(key));
      }
    }
  }

  GateFacts facts() {
    return new GateFacts(
        fresh || !anyClusterWide(),
        readAt,
        alarms,
        calendars,
        promotion,
        releases,
        List.copyOf(problems.values()));
  }

  private void readClusterWide() {
    Instant now = clock.instant();
    if (g.followsCalendars()) {
      calendars = Optional.of(calendars());
    }
    if (g.watchesAlarms()) {
      alarms = Optional.of(alarms());
    }
    if (g.promotes()) {
      promotion = Optional.of(promotion());
    }
    readAt = Optional.of(now);
    fresh = true;
  }

  private GateFacts.Read<CalendarState> calendars() {
    problems.remove("CHANGE_CALENDARS");
    try {
      return new GateFacts.Read.Known<>(ssm.calendarState(g.changeCalendars()));
    } catch (AwsFault e) {
      if (e.kind().isTransient()) {
        throw e;
      }
      problem(
          "CHANGE_CALENDARS",
          "CHANGE_CALENDARS ("
              + String.join(", ", g.changeCalendars())
              + ") cannot be read: "
              + e.getMessage());
      return new GateFacts.Read.Unreadable<>(e.getMessage());
    }
  }

  private GateFacts.Read<GateFacts.Alarms> alarms() {
    problems.remove("ALARM_NAMES");
    problems.remove("ALARM_PREFIX");
    List<AlarmState> states = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    boolean prefixNone = false;
    try {
      if (!g.alarmNames().isEmpty()) {
        List<AlarmState> named = cloudWatch.alarms(g.alarmNames());
        Set<String> found = new LinkedHashSet<>();
        named.forEach(a -> found.add(a.name()));
        g.alarmNames().stream().filter(n -> !found.contains(n)).forEach(missing::add);
        states.addAll(named);
      }
      if (g.alarmPrefix().isPresent()) {
        List<AlarmState> prefixed = cloudWatch.alarmsWithPrefix(g.alarmPrefix().get());
        prefixNone = prefixed.isEmpty();
        prefixed.stream()
            .filter(a -> states.stream().noneMatch(s -> s.name().equals(a.name())))
            .forEach(states::add);
      }
    } catch (AwsFault e) {
      if (e.kind().isTransient()) {
        throw e;
      }
      problem(
          g.alarmNames().isEmpty() ? "ALARM_PREFIX" : "ALARM_NAMES",
          (g.alarmNames().isEmpty() ? "ALARM_PREFIX" : "ALARM_NAMES")
              + ": the alarms cannot be read: "
              + e.getMessage());
      return new GateFacts.Read.Unreadable<>(e.getMessage());
    }
    if (!missing.isEmpty()) {
      problem(
          "ALARM_NAMES",
          "ALARM_NAMES names alarms that do not exist: "
              + String.join(", ", missing)
              + "; create them or remove them from ALARM_NAMES");
    }
    if (prefixNone) {
      problem(
          "ALARM_PREFIX",
          "ALARM_PREFIX '"
              + g.alarmPrefix().get()
              + "' matches no alarm; create one or change ALARM_PREFIX");
    }
    return new GateFacts.Read.Known<>(new GateFacts.Alarms(states, missing, prefixNone));
  }

  private GateFacts.Read<ClusterInfo> promotion() {
    problems.remove("PROMOTE_FROM");
    String from = g.promoteFrom().orElseThrow();
    try {
      ClusterInfo source = ecs.describeCluster(from);
      if (source.arn().equals(tags.cluster().arn())) {
        String why =
            "PROMOTE_FROM names this cluster itself (" + from + "); name the staging cluster";
        problem("PROMOTE_FROM", why);
        return new GateFacts.Read.Unreadable<>(why);
      }
      return new GateFacts.Read.Known<>(source);
    } catch (AwsFault e) {
      if (e.kind().isTransient()) {
        throw e;
      }
      problem("PROMOTE_FROM", "PROMOTE_FROM " + from + " cannot be read: " + e.getMessage());
      return new GateFacts.Read.Unreadable<>(e.getMessage());
    }
  }

  /**
   * When a release was published: its versioned public parameter's date; when there is none, the
   * date of {@code latest} if that names this release (Bottlerocket's own tools name versioned
   * parameters {@code <version>-<commit>}, which cannot be known from the host's status). Without
   * either, the time the cluster was first offered it, which is recorded now if it was not before.
   */
  private GateFacts.Read<GateFacts.Release> release(String key) {
    String[] k = key.split("/", 3);
    String base = PUBLIC_PREFIX + k[0] + "/" + k[1] + "/";
    String versioned = base + k[2] + "/image_id";
    String latest = base + "latest/image_version";
    GateFacts.Read<GateFacts.Release> read;
    try {
      Map<String, ParameterValue> found = ssm.parameters(List.of(versioned, latest));
      ParameterValue v = found.get(versioned);
      ParameterValue l = found.get(latest);
      if (v != null) {
        read =
            new GateFacts.Read.Known<>(
                new GateFacts.Release(Optional.of(v.lastModified()), versioned));
      } else if (l != null && (l.value().equals(k[2]) || l.value().startsWith(k[2] + "-"))) {
        read =
            new GateFacts.Read.Known<>(
                new GateFacts.Release(Optional.of(l.lastModified()), latest));
      } else {
        read = new GateFacts.Read.Known<>(new GateFacts.Release(Optional.empty(), versioned));
      }
    } catch (AwsFault e) {
      if (e.kind().isTransient()) {
        throw e;
      }
      read = new GateFacts.Read.Unreadable<>(e.getMessage());
    }
    boolean dated =
        read instanceof GateFacts.Read.Known<GateFacts.Release> known
            && known.value().published().isPresent();
    if (!dated) {
      FirstSeen seen = FirstSeen.decode(tags.cluster().tags().get(FirstSeen.TAG));
      tags.set(FirstSeen.TAG, seen.with(k[2], clock.instant()).encode());
    }
    return read;
  }

  private void problem(String setting, String text) {
    problems.put(setting, text);
  }
}
