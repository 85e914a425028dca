package io.github.bottlerocket.ecsupdater.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The updater's configuration, validated. Built once from the environment by {@link
 * #fromEnvironment(Map)}; see {@link Setting} for each value's meaning and default.
 */
public record Settings(
    int maxConcurrent,
    int failureBudget,
    Duration checkInterval,
    Duration checkTimeout,
    Duration pollInterval,
    Duration commandPollInterval,
    Duration stageTimeout,
    Duration drainTimeout,
    Duration activateTimeout,
    Duration rebootTimeout,
    Duration rebootGrace,
    Duration verifyTimeout,
    Duration retryBackoff,
    Duration retryBackoffMax,
    Duration deadlineMargin,
    Duration maxPassDuration,
    MaintenanceWindow maintenanceWindow,
    boolean paused,
    Optional<String> ssmDocumentPrefix,
    Duration commandDeliveryTimeout,
    Optional<String> eventBus,
    String metricsNamespace,
    Set<String> allowedClusters) {

  /**
   * The largest {@link #maxConcurrent()} accepted; ECS itself caps a cluster at 5,000 instances.
   */
  public static final int MAX_CONCURRENT_LIMIT = 100;

  private static final Pattern DOCUMENT_PREFIX = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");
  private static final Pattern BUS_NAME = Pattern.compile("[A-Za-z0-9/_.\\-:]{1,1600}");
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9 ._\\-/#:]{1,255}");

  /** The defaults, as when no variable is set. */
  public static Settings defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * Reads every {@link Setting} from {@code env}; unset or blank values take their defaults.
   *
   * @throws ConfigException listing every invalid value, each with the setting's name and what it
   *     accepts
   */
  public static Settings fromEnvironment(Map<String, String> env) {
    Reader r = new Reader(env);
    int maxConcurrent = r.integer(Setting.MAX_CONCURRENT, 1, MAX_CONCURRENT_LIMIT);
    int failureBudget = r.integer(Setting.FAILURE_BUDGET, 0, 1000);
    Duration checkInterval = r.duration(Setting.CHECK_INTERVAL, Duration.ZERO);
    Duration checkTimeout = r.duration(Setting.CHECK_TIMEOUT, Duration.ofMillis(1));
    Duration pollInterval = r.duration(Setting.POLL_INTERVAL, Duration.ofMillis(1));
    Duration commandPollInterval = r.duration(Setting.COMMAND_POLL_INTERVAL, Duration.ofMillis(1));
    Duration stageTimeout = r.duration(Setting.STAGE_TIMEOUT, Duration.ofMillis(1));
    Duration drainTimeout = r.duration(Setting.DRAIN_TIMEOUT, Duration.ofMillis(1));
    Duration activateTimeout = r.duration(Setting.ACTIVATE_TIMEOUT, Duration.ofMillis(1));
    Duration rebootTimeout = r.duration(Setting.REBOOT_TIMEOUT, Duration.ofMillis(1));
    Duration rebootGrace = r.duration(Setting.REBOOT_GRACE, Duration.ZERO);
    Duration verifyTimeout = r.duration(Setting.VERIFY_TIMEOUT, Duration.ofMillis(1));
    Duration retryBackoff = r.duration(Setting.RETRY_BACKOFF, Duration.ZERO);
    Duration retryBackoffMax = r.duration(Setting.RETRY_BACKOFF_MAX, Duration.ZERO);
    Duration deadlineMargin = r.duration(Setting.DEADLINE_MARGIN, Duration.ZERO);
    Duration maxPassDuration = r.duration(Setting.MAX_PASS_DURATION, Duration.ofMillis(1));
    ZoneId zone = r.zone(Setting.MAINTENANCE_TIMEZONE);
    MaintenanceWindow window = r.window(Setting.MAINTENANCE_WINDOW, zone);
    boolean paused = r.bool(Setting.PAUSED);
    Optional<String> prefix =
        r.optionalText(
            Setting.SSM_DOCUMENT_PREFIX,
            DOCUMENT_PREFIX,
            "letters, digits, '_', '-' and '.', at most 100 characters (e.g. BottlerocketUpdater-)");
    Duration delivery = r.duration(Setting.COMMAND_DELIVERY_TIMEOUT, Duration.ofSeconds(30));
    if (delivery.compareTo(Duration.ofHours(48)) > 0) {
      r.problem(Setting.COMMAND_DELIVERY_TIMEOUT, "at most 48h (an SSM limit)");
    }
    Optional<String> bus =
        r.optionalText(
                Setting.EVENT_BUS,
                BUS_NAME,
                "an event bus name or ARN, or 'none' to send no events")
            .filter(b -> !b.equalsIgnoreCase("none"));
    String namespace =
        r.optionalText(
                Setting.METRICS_NAMESPACE,
                NAMESPACE,
                "a CloudWatch namespace of letters, digits and . _ - / # : and spaces")
            .orElse(Setting.METRICS_NAMESPACE.defaultValue());
    Set<String> allowed =
        Arrays.stream(r.raw(Setting.ALLOWED_CLUSTERS).split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());

    if (r.valid(Setting.DEADLINE_MARGIN, Setting.MAX_PASS_DURATION)
        && deadlineMargin.compareTo(maxPassDuration) >= 0) {
      r.problem(
          Setting.DEADLINE_MARGIN,
          "less than MAX_PASS_DURATION ("
              + Durations.format(maxPassDuration)
              + "), or no pass has any time");
    }
    if (r.valid(Setting.RETRY_BACKOFF, Setting.RETRY_BACKOFF_MAX)
        && retryBackoffMax.compareTo(retryBackoff) < 0) {
      r.problem(
          Setting.RETRY_BACKOFF_MAX,
          "at least RETRY_BACKOFF (" + Durations.format(retryBackoff) + ")");
    }
    r.throwIfAny();
    return new Settings(
        maxConcurrent,
        failureBudget,
        checkInterval,
        checkTimeout,
        pollInterval,
        commandPollInterval,
        stageTimeout,
        drainTimeout,
        activateTimeout,
        rebootTimeout,
        rebootGrace,
        verifyTimeout,
        retryBackoff,
        retryBackoffMax,
        deadlineMargin,
        maxPassDuration,
        window,
        paused,
        prefix,
        delivery,
        bus,
        namespace,
        allowed);
  }

  /** A copy with {@code maxConcurrent} replaced, for a per-invocation override. */
  public Settings withMaxConcurrent(int value) {
    return new Settings(
        value,
        failureBudget,
        checkInterval,
        checkTimeout,
        pollInterval,
        commandPollInterval,
        stageTimeout,
        drainTimeout,
        activateTimeout,
        rebootTimeout,
        rebootGrace,
        verifyTimeout,
        retryBackoff,
        retryBackoffMax,
        deadlineMargin,
        maxPassDuration,
        maintenanceWindow,
        paused,
        ssmDocumentPrefix,
        commandDeliveryTimeout,
        eventBus,
        metricsNamespace,
        allowedClusters);
  }

  /** Collects problems so that one error lists all of them. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    String raw(Setting s) {
      String v = env.get(s.key());
      return v == null || v.isBlank() ? s.defaultValue() : v.strip();
    }

    /** Whether none of these settings has a problem yet, so that comparing them means something. */
    boolean valid(Setting... settings) {
      for (Setting s : settings) {
        if (problems.stream().anyMatch(p -> p.startsWith(s.key() + " "))) {
          return false;
        }
      }
      return true;
    }

    void problem(Setting s, String accepted) {
      problems.add(s.key() + " must be " + accepted + ", got '" + raw(s) + "'");
    }

    int integer(Setting s, int min, int max) {
      return parse(
          s,
          v -> {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
              throw new IllegalArgumentException();
            }
            return n;
          },
          "a whole number from " + min + " to " + max,
          min);
    }

    Duration duration(Setting s, Duration min) {
      String accepted =
          Durations.FORMS + (min.isZero() ? "" : ", at least " + Durations.format(min));
      return parse(
          s,
          v -> {
            Duration d = Durations.parse(v);
            if (d.compareTo(min) < 0) {
              throw new IllegalArgumentException();
            }
            return d;
          },
          accepted,
          min);
    }

    boolean bool(Setting s) {
      return parse(
          s, v -> Flag.parse(v).orElseThrow(IllegalArgumentException::new), Flag.WORDS, false);
    }

    ZoneId zone(Setting s) {
      return parse(
          s, ZoneId::of, "an IANA time zone such as UTC or Europe/Berlin", ZoneId.of("UTC"));
    }

    MaintenanceWindow window(Setting s, ZoneId zone) {
      String v = raw(s);
      try {
        return MaintenanceWindow.parse(v, zone);
      } catch (IllegalArgumentException e) {
        problems.add(
            s.key()
                + " must be "
                + MaintenanceWindow.FORM
                + "; "
                + e.getMessage()
                + " in '"
                + v
                + "'");
        return MaintenanceWindow.always();
      }
    }

    Optional<String> optionalText(Setting s, Pattern pattern, String accepted) {
      String v = raw(s);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      if (!pattern.matcher(v).matches()) {
        problem(s, accepted);
        return Optional.empty();
      }
      return Optional.of(v);
    }

    private <T> T parse(Setting s, Function<String, T> parser, String accepted, T fallback) {
      String v = raw(s);
      try {
        return parser.apply(v);
      } catch (IllegalArgumentException | DateTimeException e) {
        problem(s, accepted);
        return fallback;
      }
    }

    void throwIfAny() {
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
    }
  }
}
