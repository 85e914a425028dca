package io.github.bottlerocket.ecsupdater.config;

import io.github.bottlerocket.ecsupdater.Echo;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The updater's configuration, validated. Built once from the environment by {@link
 * #fromEnvironment(Map)}; see {@link Setting} for each value's meaning and default.
 */
public record Settings(
    Concurrency maxConcurrent,
    int failureBudget,
    Duration checkInterval,
    Duration checkTimeout,
    Duration checkRetryInterval,
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
    Optional<String> controlParameter,
    Duration controlInterval,
    Optional<String> ssmDocumentPrefix,
    Duration commandDeliveryTimeout,
    Optional<String> eventBus,
    String metricsNamespace,
    Set<String> allowedClusters,
    boolean respectTaskProtection,
    boolean scaleInShield,
    Optional<String> leaseTable,
    Duration leaseDuration,
    Optional<String> fanOutQueue,
    GateSettings gates) {

  /** The largest number MAX_CONCURRENT takes; ECS itself caps a cluster at 5,000 instances. */
  public static final int MAX_CONCURRENT_LIMIT = 100;

  /** A cluster name as ECS allows it. */
  public static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

  /** A cluster ARN; group 2 is the region. */
  public static final Pattern CLUSTER_ARN =
      Pattern.compile("arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\\d{12}):cluster/([A-Za-z0-9_-]{1,255})");

  /** The longest a Lambda invocation, and so a pass of the function, can last. */
  public static final Duration LAMBDA_MAX = Duration.ofMinutes(15);

  private static final String LAMBDA_WHY = "the longest a Lambda invocation lasts";
  private static final String RETRY_WHY = "a retry a year away is none";
  private static final String STEP_WHY = "a step still unfinished after a month has failed";
  private static final Duration ZERO = Duration.ZERO;
  private static final Duration MS = Duration.ofMillis(1);
  private static final Duration MONTH = Duration.ofDays(30);
  private static final Duration YEAR = Duration.ofDays(365);

  private static final Pattern DOCUMENT_PREFIX = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");
  private static final Pattern BUS_NAME = Pattern.compile("[A-Za-z0-9/_.\\-:]{1,1600}");
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9 ._\\-/#:]{1,255}");

  /** A DynamoDB table name. */
  public static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{3,255}");

  /** An SQS FIFO queue name: at most 80 characters, the last five {@code .fifo}. */
  private static final Pattern FIFO_QUEUE_NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,75}\\.fifo");

  /** What {@link #TABLE_NAME} accepts, in words. */
  public static final String TABLE_NAME_FORM =
      "a DynamoDB table name (3 to 255 letters, digits, '_', '-' and '.')";

  /**
   * An SSM parameter name (one level, or levels each after a '/', at most 15) or the ARN of one;
   * names starting with "aws" or "ssm" are reserved by SSM.
   */
  private static final Pattern PARAMETER =
      Pattern.compile(
          "(?!/?(?i:aws|ssm))(?:[A-Za-z0-9_.\\-]{1,1011}|(?:/[A-Za-z0-9_.\\-]+){1,15})"
              + "|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\\d{12}:parameter/(?!(?i:aws|ssm))[A-Za-z0-9_.\\-/]{1,1011}");

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
    Concurrency maxConcurrent = r.concurrency(Setting.MAX_CONCURRENT);
    int failureBudget = r.integer(Setting.FAILURE_BUDGET, 0, 1000);
    // Every duration has an upper bound, so that no time the updater computes from one (a
    // deadline, a timeout, a retry) can overflow, and so that a typo of a few digits is caught.
    Duration checkInterval =
        r.duration(Setting.CHECK_INTERVAL, ZERO, YEAR, "to stop checks, pause instead");
    Duration checkTimeout = r.duration(Setting.CHECK_TIMEOUT, MS, LAMBDA_MAX, LAMBDA_WHY);
    Duration checkRetryInterval =
        r.duration(
            Setting.CHECK_RETRY_INTERVAL, ZERO, YEAR, "it is capped by CHECK_INTERVAL anyway");
    Duration pollInterval = r.duration(Setting.POLL_INTERVAL, MS, LAMBDA_MAX, LAMBDA_WHY);
    Duration commandPollInterval =
        r.duration(Setting.COMMAND_POLL_INTERVAL, MS, LAMBDA_MAX, LAMBDA_WHY);
    Duration stageTimeout = r.duration(Setting.STAGE_TIMEOUT, MS, MONTH, STEP_WHY);
    Duration drainTimeout = r.duration(Setting.DRAIN_TIMEOUT, MS, MONTH, STEP_WHY);
    Duration activateTimeout = r.duration(Setting.ACTIVATE_TIMEOUT, MS, MONTH, STEP_WHY);
    Duration rebootTimeout = r.duration(Setting.REBOOT_TIMEOUT, MS, MONTH, STEP_WHY);
    Duration rebootGrace = r.duration(Setting.REBOOT_GRACE, ZERO, MONTH, STEP_WHY);
    Duration verifyTimeout = r.duration(Setting.VERIFY_TIMEOUT, MS, MONTH, STEP_WHY);
    Duration retryBackoff = r.duration(Setting.RETRY_BACKOFF, ZERO, YEAR, RETRY_WHY);
    Duration retryBackoffMax = r.duration(Setting.RETRY_BACKOFF_MAX, ZERO, YEAR, RETRY_WHY);
    Duration deadlineMargin = r.duration(Setting.DEADLINE_MARGIN, ZERO, LAMBDA_MAX, LAMBDA_WHY);
    Duration maxPassDuration =
        r.duration(
            Setting.MAX_PASS_DURATION,
            MS,
            Duration.ofDays(7),
            "a pass is one run of the command-line runner; --until-done runs many");
    ZoneId zone = r.zone(Setting.MAINTENANCE_TIMEZONE);
    MaintenanceWindow window = r.window(Setting.MAINTENANCE_WINDOW, zone);
    boolean paused = r.bool(Setting.PAUSED);
    Optional<String> control =
        r.optionalText(
            Setting.CONTROL_PARAMETER,
            PARAMETER,
            "an SSM parameter name such as /bottlerocket-ecs-updater/prod/control (letters, digits,"
                + " '_', '.' and '-', in levels after '/'; not starting with aws or ssm) or its ARN,"
                + " or empty for no control switch");
    Duration controlInterval = r.duration(Setting.CONTROL_INTERVAL, MS, LAMBDA_MAX, LAMBDA_WHY);
    Optional<String> prefix =
        r.optionalText(
            Setting.SSM_DOCUMENT_PREFIX,
            DOCUMENT_PREFIX,
            "letters, digits, '_', '-' and '.', at most 100 characters (e.g. BottlerocketUpdater-)");
    Duration delivery =
        r.duration(
            Setting.COMMAND_DELIVERY_TIMEOUT,
            Duration.ofSeconds(30),
            Duration.ofHours(48),
            "48h",
            "an SSM limit");
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
    Set<String> allowed = r.clusters(Setting.ALLOWED_CLUSTERS);
    boolean respectTaskProtection =
        r.word(
            Setting.TASK_PROTECTION,
            Map.of("respect", true, "ignore", false),
            "respect (no drain while a service task is protected from scale-in) or ignore");
    boolean scaleInShield = r.bool(Setting.SCALE_IN_SHIELD);
    Optional<String> leaseTable =
        r.optionalText(Setting.LEASE_TABLE, TABLE_NAME, TABLE_NAME_FORM + ", or empty");
    Optional<String> fanOutQueue =
        r.optionalText(
            Setting.FAN_OUT_QUEUE,
            FIFO_QUEUE_NAME,
            "the name of an SQS FIFO queue (up to 75 letters, digits, '-' and '_', then .fifo),"
                + " or empty");
    Duration leaseDuration =
        r.duration(
            Setting.LEASE_DURATION,
            MS,
            Duration.ofHours(1),
            "a crashed pass keeps every other pass away from its cluster this long");
    GateSettings gates = GateSettings.read(r);

    // Settings that only make sense together.
    if (r.valid(Setting.DEADLINE_MARGIN, Setting.MAX_PASS_DURATION)
        && deadlineMargin.compareTo(maxPassDuration) >= 0) {
      r.problem(
          Setting.DEADLINE_MARGIN,
          "less than MAX_PASS_DURATION ("
              + Durations.format(maxPassDuration)
              + "), or no pass has any time");
    } else if (r.valid(Setting.DEADLINE_MARGIN) && deadlineMargin.compareTo(LAMBDA_MAX) >= 0) {
      r.problem(
          Setting.DEADLINE_MARGIN,
          "less than "
              + Durations.format(LAMBDA_MAX)
              + " ("
              + LAMBDA_WHY
              + "), or no pass has any time");
    }
    if (r.valid(Setting.CHECK_TIMEOUT, Setting.DEADLINE_MARGIN, Setting.MAX_PASS_DURATION)) {
      // A pass sends an update check only while a whole CHECK_TIMEOUT fits before its margin.
      Duration pass = maxPassDuration.compareTo(LAMBDA_MAX) < 0 ? maxPassDuration : LAMBDA_MAX;
      Duration room = pass.minus(deadlineMargin);
      if (checkTimeout.compareTo(room) >= 0) {
        r.problem(
            Setting.CHECK_TIMEOUT,
            "less than the time a pass has, "
                + Durations.format(room)
                + " (the shorter of the Lambda's "
                + Durations.format(LAMBDA_MAX)
                + " and MAX_PASS_DURATION "
                + Durations.format(maxPassDuration)
                + ", less DEADLINE_MARGIN "
                + Durations.format(deadlineMargin)
                + "), or no update check is ever sent");
      }
    }
    if (r.valid(Setting.REBOOT_GRACE, Setting.REBOOT_TIMEOUT)
        && rebootGrace.compareTo(rebootTimeout) >= 0) {
      r.problem(
          Setting.REBOOT_GRACE,
          "less than REBOOT_TIMEOUT ("
              + Durations.format(rebootTimeout)
              + "), or a host whose agent is not seen away is never taken as back");
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
        checkRetryInterval,
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
        control,
        controlInterval,
        prefix,
        delivery,
        bus,
        namespace,
        allowed,
        respectTaskProtection,
        scaleInShield,
        leaseTable,
        leaseDuration,
        fanOutQueue,
        gates);
  }

  /** A copy with {@code maxConcurrent} replaced, for a per-invocation override. */
  public Settings withMaxConcurrent(int value) {
    return new Settings(
        Concurrency.of(value),
        failureBudget,
        checkInterval,
        checkTimeout,
        checkRetryInterval,
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
        controlParameter,
        controlInterval,
        ssmDocumentPrefix,
        commandDeliveryTimeout,
        eventBus,
        metricsNamespace,
        allowedClusters,
        respectTaskProtection,
        scaleInShield,
        leaseTable,
        leaseDuration,
        fanOutQueue,
        gates);
  }

  /** Collects problems so that one error lists all of them. */
  static final class Reader {
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
      problems.add(s.key() + " must be " + accepted + ", got " + Echo.quote(raw(s)));
    }

    /** A problem written whole; it starts with the setting's name. */
    void problem(String text) {
      problems.add(text);
    }

    /** A number of instances, or a share of the cluster's Bottlerocket instances in percent. */
    Concurrency concurrency(Setting s) {
      String v = raw(s);
      String accepted =
          "a whole number from 1 to "
              + MAX_CONCURRENT_LIMIT
              + ", or a share of the cluster's Bottlerocket instances from 1% to 100% (e.g. 25%)";
      try {
        if (v.endsWith("%")) {
          int p = Integer.parseInt(v.substring(0, v.length() - 1).strip());
          if (p >= 1 && p <= 100) {
            return Concurrency.percent(p);
          }
        } else {
          int n = Integer.parseInt(v);
          if (n >= 1 && n <= MAX_CONCURRENT_LIMIT) {
            return Concurrency.of(n);
          }
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problem(s, accepted);
      return Concurrency.of(1);
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

    /**
     * A duration from {@code min} to {@code max}; {@code whyMax} says what a longer one would mean.
     */
    Duration duration(Setting s, Duration min, Duration max, String whyMax) {
      return duration(s, min, max, Durations.format(max), whyMax);
    }

    /** As above, with the bound written as the limit's owner writes it (48h, not 2d). */
    Duration duration(Setting s, Duration min, Duration max, String maxText, String whyMax) {
      String accepted =
          Durations.FORMS
              + (min.isZero() ? "" : ", at least " + Durations.format(min))
              + ", at most "
              + maxText;
      Duration d;
      boolean tooLong;
      try {
        d = Durations.parse(raw(s));
        tooLong = d.compareTo(max) > 0;
      } catch (Durations.TooLongException e) {
        d = max;
        tooLong = true;
      } catch (IllegalArgumentException e) {
        problem(s, accepted);
        return min;
      }
      if (tooLong) {
        problem(s, "at most " + maxText + " (" + whyMax + ")");
        return min;
      }
      if (d.compareTo(min) < 0) {
        problem(s, accepted);
        return min;
      }
      return d;
    }

    boolean bool(Setting s) {
      return parse(
          s, v -> Flag.parse(v).orElseThrow(IllegalArgumentException::new), Flag.WORDS, false);
    }

    /** One of {@code words} (any case, spaces around ignored), to its value. */
    <T> T word(Setting s, Map<String, T> words, String accepted) {
      String v = raw(s).toLowerCase(Locale.ROOT);
      T value = words.get(v);
      if (value == null) {
        problem(s, accepted);
        return words.get(s.defaultValue());
      }
      return value;
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
                + " in "
                + Echo.quote(v));
        return MaintenanceWindow.always();
      }
    }

    /** A comma-separated list of cluster names or ARNs; empty for none. */
    Set<String> clusters(Setting s) {
      String v = raw(s);
      if (v.isEmpty()) {
        return Set.of();
      }
      String accepted = "comma-separated cluster names or ARNs (or empty for any cluster)";
      List<String> entries =
          Arrays.stream(v.split(",", -1)).map(String::strip).filter(e -> !e.isEmpty()).toList();
      if (entries.isEmpty()) {
        problems.add(
            s.key()
                + " must be "
                + accepted
                + "; it has no cluster between its commas, got "
                + Echo.quote(v));
        return Set.of();
      }
      for (String e : entries) {
        if (!CLUSTER_NAME.matcher(e).matches() && !CLUSTER_ARN.matcher(e).matches()) {
          problems.add(
              s.key()
                  + " must be "
                  + accepted
                  + "; "
                  + Echo.quote(e)
                  + " is neither a cluster name nor a cluster ARN, in "
                  + Echo.quote(v));
          return Set.of();
        }
      }
      return Set.copyOf(entries);
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

    <T> T parse(Setting s, Function<String, T> parser, String accepted, T fallback) {
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
