package io.github.bottlerocket.ecsupdater.config;

/**
 * Every setting the updater reads from its environment, with its default and meaning. The README's
 * configuration table lists exactly these; a test keeps the two in step.
 */
public enum Setting {
  MAX_CONCURRENT(
      "1",
      "Most instances out of service (draining or rebooting) at once in a cluster; also how many may download ahead. A number, or a share of the cluster's Bottlerocket instances such as 25% (rounded down, at least 1)."),
  FAILURE_BUDGET(
      "0",
      "Failed updates (rolled back, did not return, wrong version) a cluster may carry before its circuit breaker stops new starts."),
  CHECK_INTERVAL("1h", "Least time between two update checks of a cluster's idle instances."),
  CHECK_TIMEOUT("2m", "How long a pass waits for the replies to one update check."),
  CHECK_RETRY_INTERVAL(
      "10m",
      "Wait before a host whose last update check failed is checked again; doubles with each further failure, up to CHECK_INTERVAL."),
  POLL_INTERVAL("5s", "Pause between observations of the cluster while work is in flight."),
  COMMAND_POLL_INTERVAL(
      "2s",
      "Pause between reads of a host command's reply while one is awaited (host commands answer in seconds)."),
  STAGE_TIMEOUT(
      "20m", "Longest download of an update to the inactive partition before it counts as failed."),
  DRAIN_TIMEOUT(
      "30m", "Longest drain; after it the instance is set ACTIVE again and retried later."),
  ACTIVATE_TIMEOUT("2m", "Longest wait for a staged update to become Ready after activation."),
  REBOOT_TIMEOUT(
      "20m",
      "Longest wait for the ECS agent to reconnect after the reboot; after it the instance stays DRAINING and is marked failed."),
  REBOOT_GRACE(
      "30s",
      "Least time after the reboot command before a connected agent is taken as back (unless it was seen disconnected)."),
  VERIFY_TIMEOUT(
      "10m",
      "Longest wait for the host to report its running version after the agent reconnected."),
  RETRY_BACKOFF(
      "30m",
      "Wait before an instance whose update failed is tried again; doubles with each further failure."),
  RETRY_BACKOFF_MAX("24h", "Upper bound of that wait."),
  DEADLINE_MARGIN(
      "30s", "Time kept free before the Lambda deadline; a pass stops starting steps inside it."),
  MAX_PASS_DURATION("14m", "Longest pass when there is no Lambda deadline (command-line runner)."),
  MAINTENANCE_WINDOW(
      "",
      "When new updates may start, e.g. 'Sat,Sun 02:00-06:00'; empty means always. Started updates always finish."),
  MAINTENANCE_TIMEZONE("UTC", "Time zone of MAINTENANCE_WINDOW (IANA name, e.g. Europe/Berlin)."),
  PAUSED(
      "false",
      "When true (or yes, 1, on), nothing new starts in any cluster; started updates finish. False, no, 0 or off do not pause."),
  CONTROL_PARAMETER(
      "",
      "Name or ARN of an SSM String parameter read at every pass: 'run', 'pause' (nothing new starts) or 'stop' (nothing changes at all); any other value, or one that cannot be read, stops. Empty: no switch."),
  CONTROL_INTERVAL(
      "30s",
      "How often a pass reads CONTROL_PARAMETER again while it runs; a stop takes effect within this time."),
  SSM_DOCUMENT_PREFIX(
      "",
      "Prefix of the fixed-command SSM documents (the prefix followed by Check, Status, Prepare, Activate, Reboot, Cancel); empty sends the same commands through AWS-RunShellScript."),
  COMMAND_DELIVERY_TIMEOUT(
      "10m",
      "How long SSM tries to deliver a command to a host (SendCommand TimeoutSeconds, 30s to 48h)."),
  EVENT_BUS("default", "EventBridge bus for the updater's events; 'none' sends none."),
  METRICS_NAMESPACE(
      "BottlerocketEcsUpdater", "CloudWatch namespace of the embedded-format metrics."),
  TASK_PROTECTION(
      "respect",
      "'respect': an instance whose service tasks are protected from scale-in (ECS task scale-in protection) is not drained until the protection ends. 'ignore': drains do not look at it, and stop protected tasks like any other."),
  SCALE_IN_SHIELD(
      "true",
      "When true, an instance of an Auto Scaling group is protected from scale-in from its drain until it is set ACTIVE again, then its protection is cleared; one found protected already is left as it is. False never touches scale-in protection."),
  ALLOWED_CLUSTERS(
      "",
      "Comma-separated cluster names or ARNs this function may touch; empty allows any cluster its role reaches."),
  LEASE_TABLE(
      "",
      "DynamoDB table of per-cluster leases: every changing pass takes its cluster's lease first, so no two passes change one cluster at once. Empty: the table the cluster's tag bottlerocket-ecs-updater:lease-table names, or no lease."),
  LEASE_DURATION(
      "6m",
      "How long a lease lasts unless renewed; a pass renews it after each third and sends no change in its last third, and a crashed pass's lease lapses after it."),
  FAN_OUT_QUEUE(
      "",
      "Name of an SQS FIFO queue of this account and region: a schedule tick sends it one message per cluster, so each cluster's pass runs in an invocation of its own. Empty: the function passes over the tick's clusters itself, one after another."),
  MIN_RELEASE_AGE(
      "0s",
      "No host takes a Bottlerocket release younger than this (its public SSM parameter's date, or when the cluster was first offered it); 0s: no soak."),
  EXPEDITE_VERSIONS(
      "",
      "Comma-separated versions (e.g. 1.20.3) that skip MIN_RELEASE_AGE; every other gate still applies."),
  PROMOTE_FROM(
      "",
      "A cluster (name or ARN) whose hosts must have run a version for PROMOTE_SOAK, with no failure recorded there, before this cluster takes it; empty: no promotion."),
  PROMOTE_MIN_HOSTS(
      "",
      "How many of PROMOTE_FROM's Bottlerocket hosts must have run the version; empty: all of them."),
  PROMOTE_SOAK(
      "1d", "How long PROMOTE_FROM's hosts must have run a version before it is promoted."),
  MAX_VERSION("", "No host takes a version above this (e.g. 1.20.5); empty: no cap."),
  ALARM_NAMES(
      "",
      "Comma-separated CloudWatch alarm names (metric or composite); no new download or drain starts while one is not OK."),
  ALARM_PREFIX(
      "", "Every CloudWatch alarm whose name starts with this holds new starts as ALARM_NAMES do."),
  ALARM_INSUFFICIENT_DATA(
      "hold",
      "What an alarm in INSUFFICIENT_DATA does: 'hold' (new starts wait, as in ALARM) or 'ok' (counts as OK)."),
  BAKE_TIME(
      "0s",
      "After an instance is back on a new version, no new drain until this has passed with every alarm OK, the host ACTIVE and every service, daemons included, at its desired count; 0s: no bake."),
  CANARY_HOSTS(
      "0",
      "The first hosts of each new version in a cluster update one at a time, each followed by BAKE_TIME; after the last of them, CANARY_BAKE_TIME before the rest. 0: no canaries."),
  CANARY_BAKE_TIME(
      "", "The bake after the last canary host; at least BAKE_TIME; empty: BAKE_TIME."),
  CHANGE_CALENDARS(
      "",
      "Comma-separated SSM Change Calendar names or ARNs; new downloads and drains start only while every one is OPEN.");

  private final String defaultValue;
  private final String description;

  Setting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The environment variable name. */
  public String key() {
    return name();
  }

  /** The default as an operator would write it; empty when unset means "off" or "any". */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
