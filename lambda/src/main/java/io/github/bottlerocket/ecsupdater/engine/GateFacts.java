package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.model.AlarmState;
import io.github.bottlerocket.ecsupdater.model.CalendarState;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the rollout gates decide on, read by the pass's gate readers: the alarms, the change
 * calendars, the cluster that promotes versions, and release dates. The cluster-wide facts are read
 * at the first observation of a pass and then again only for an observation that could start
 * something ({@link #fresh()}); release dates do not change and are kept for the whole pass.
 *
 * <p>A fact that could not be read for good (a missing alarm or calendar, a role that may not read
 * it) is kept as unreadable, with the reason: its gate then holds new starts. Such a reason is also
 * a {@link #problems() problem} of the configuration, which ends the pass with an error once
 * nothing more moves.
 *
 * @param fresh whether the cluster-wide facts were read for this observation
 * @param readAt when they were read, if ever in this pass
 * @param alarms the alarms of ALARM_NAMES and ALARM_PREFIX, when they are watched and were read
 * @param calendars the change calendars' combined state, when followed and read
 * @param promotion the PROMOTE_FROM cluster with its tags, when it was read
 * @param releases by release key ({@link #releaseKey}): the release's publication, as far as read
 * @param problems configuration problems found while reading, each naming its setting
 */
public record GateFacts(
    boolean fresh,
    Optional<Instant> readAt,
    Optional<Read<Alarms>> alarms,
    Optional<Read<CalendarState>> calendars,
    Optional<Read<ClusterInfo>> promotion,
    Map<String, Read<Release>> releases,
    List<String> problems) {

  /** Nothing read. */
  public static final GateFacts NONE =
      new GateFacts(
          false,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Map.of(),
          List.of());

  public GateFacts {
    Objects.requireNonNull(readAt, "readAt");
    Objects.requireNonNull(alarms, "alarms");
    Objects.requireNonNull(calendars, "calendars");
    Objects.requireNonNull(promotion, "promotion");
    releases = Map.copyOf(releases);
    problems = List.copyOf(problems);
  }

  /** A fact as read: the value, or why it cannot be read. */
  public sealed interface Read<T> {
    record Known<T>(T value) implements Read<T> {}

    record Unreadable<T>(String why) implements Read<T> {}
  }

  /**
   * The watched alarms.
   *
   * @param states every alarm found
   * @param missing names in ALARM_NAMES that CloudWatch does not know
   * @param prefixMatchedNone whether ALARM_PREFIX is set and no alarm starts with it
   */
  public record Alarms(List<AlarmState> states, List<String> missing, boolean prefixMatchedNone) {
    public Alarms {
      states = List.copyOf(states);
      missing = List.copyOf(missing);
    }
  }

  /**
   * When a release was published, as Bottlerocket's public SSM parameter says.
   *
   * @param published the parameter's LastModifiedDate; empty when there is no such parameter
   * @param parameter the parameter read
   */
  public record Release(Optional<Instant> published, String parameter) {}

  /** The key of one release of one variant and architecture. */
  public static String releaseKey(String variant, String architecture, String version) {
    return variant + "/" + architecture + "/" + version;
  }
}
