package io.github.bottlerocket.ecsupdater.config;

/**
 * Every setting the updater reads from its environment, with its default and meaning. The README's
 * configuration table lists exactly these; a test keeps the two in step.
 */
public enum Setting {
  MAX_CONCURRENT(
      "1",
      "Most instances out of service (draining or rebooting) at once in a cluster; also how many may download ahead."),
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
      "Name of an SQS FIFO queue of this account and region: a schedule tick sends it one message per cluster, so each cluster's pass runs in an invocation of its own. Empty: the function passes over the tick's clusters itself, one after another.");

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
