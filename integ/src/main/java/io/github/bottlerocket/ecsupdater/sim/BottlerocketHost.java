package io.github.bottlerocket.ecsupdater.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One host's Bottlerocket update API ({@code apiserver} plus {@code thar-be-updates}), following
 * the state machine of {@code drive_state_machine}:
 *
 * <pre>
 *             Idle        Available   Staged            Ready
 * refresh     Avail/Idle  Avail/Idle  stays Staged      stays Ready
 * prepare     409         -> Staged   -> Staged (again) 409
 * activate    409         409         -> Ready          409
 * deactivate  409         409         409               -> Staged
 * </pre>
 *
 * Prepare and activate run in the background after the POST returned 204 and hold the update lock
 * meanwhile: every other call gets 423. The status lives on tmpfs, so after a boot it is
 * uninitialized (404) until a refresh. A and B partitions: a boot starts the staged image when it
 * is Ready, unless the image fails to boot, in which case the host falls back to the old one.
 *
 * <p>Not thread-safe; the {@link SimulatedCluster} serialises access.
 */
final class BottlerocketHost {

  /** Bottlerocket's {@code update_state}. */
  enum UpdateState {
    IDLE("Idle"),
    AVAILABLE("Available"),
    STAGED("Staged"),
    READY("Ready");

    final String wire;

    UpdateState(String wire) {
      this.wire = wire;
    }
  }

  /** An HTTP answer of the API: status code and body text. */
  record Answer(int code, String body) {
    boolean ok() {
      return code / 100 == 2;
    }
  }

  private record LastCommand(
      String type, String status, Instant at, int exitStatus, String stderr) {}

  private enum WorkKind {
    PREPARE,
    ACTIVATE
  }

  private record Work(WorkKind kind, Instant until, String version) {}

  private static final DateTimeFormatter RFC3339_NANOS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  static final String LOCK_HELD = "Update lock held";
  static final String NOT_ALLOWED = "Update action not allowed according to update state";
  static final String UNINITIALIZED =
      "Update status is uninitialized, refresh-updates to initialize it";
  static final String SHARED_LOCK =
      "Unable to obtain shared lock for reading update status: Resource temporarily unavailable (os error 11)";

  private final String variant;
  private final String arch = "x86_64";
  private final Duration waveOffset;
  private final UpdateRepository repository;
  private final Timing timing;

  private String activeVersion;
  private Optional<String> stagedVersion = Optional.empty();
  private boolean stagedNextToBoot;
  private UpdateState state = UpdateState.IDLE;
  private Optional<String> chosen = Optional.empty();
  private boolean initialized;
  private LastCommand last;
  private Work work;
  private int prepareFailuresLeft;

  BottlerocketHost(
      String variant,
      String version,
      Duration waveOffset,
      UpdateRepository repository,
      Timing timing,
      int prepareFailures) {
    this.variant = variant;
    this.activeVersion = version;
    this.waveOffset = waveOffset;
    this.repository = repository;
    this.timing = timing;
    this.prepareFailuresLeft = prepareFailures;
  }

  String activeVersion() {
    return activeVersion;
  }

  /** Whether the update state is Ready (as the status would say, initialized or not). */
  boolean isReady(Instant now) {
    settle(now);
    return state == UpdateState.READY && stagedVersion.isPresent() && stagedNextToBoot;
  }

  /** The update this host would choose at {@code now}, if its wave has come. */
  Optional<String> wouldChoose(Instant now) {
    return repository.chosenFor(activeVersion, waveOffset, now);
  }

  // ------------------------------------------------------------------ the API

  /** {@code POST /actions/refresh-updates}. */
  Answer refresh(Instant now) {
    settle(now);
    if (work != null) {
      return new Answer(423, LOCK_HELD);
    }
    initialized = true;
    chosen = wouldChoose(now);
    if (state == UpdateState.IDLE || state == UpdateState.AVAILABLE) {
      state = chosen.isPresent() ? UpdateState.AVAILABLE : UpdateState.IDLE;
    }
    last = new LastCommand("refresh", "Success", now, 0, "");
    return new Answer(204, "");
  }

  /** {@code POST /actions/prepare-update}: the download starts in the background. */
  Answer prepare(Instant now) {
    settle(now);
    if (work != null) {
      return new Answer(423, LOCK_HELD);
    }
    if (!initialized || state == UpdateState.IDLE || state == UpdateState.READY) {
      return new Answer(409, NOT_ALLOWED);
    }
    if (chosen.isEmpty()) {
      return new Answer(404, "Previously chosen Update no longer exists");
    }
    work = new Work(WorkKind.PREPARE, now.plus(timing.download()), chosen.get());
    return new Answer(204, "");
  }

  /** {@code POST /actions/activate-update}: the flip to Ready finishes in the background. */
  Answer activate(Instant now) {
    settle(now);
    if (work != null) {
      return new Answer(423, LOCK_HELD);
    }
    if (!initialized || state != UpdateState.STAGED) {
      return new Answer(409, NOT_ALLOWED);
    }
    if (stagedVersion.isEmpty()) {
      return new Answer(404, "No update image applied to staging partition");
    }
    work = new Work(WorkKind.ACTIVATE, now.plus(timing.activation()), stagedVersion.get());
    return new Answer(204, "");
  }

  /** {@code POST /actions/deactivate-update}; quick, so done at once. */
  Answer deactivate(Instant now) {
    settle(now);
    if (work != null) {
      return new Answer(423, LOCK_HELD);
    }
    if (!initialized || state != UpdateState.READY) {
      return new Answer(409, NOT_ALLOWED);
    }
    state = UpdateState.STAGED;
    stagedNextToBoot = false;
    last = new LastCommand("deactivate", "Success", now, 0, "");
    return new Answer(204, "");
  }

  /** {@code GET /updates/status}: compact JSON in struct order. */
  Answer status(Instant now) {
    settle(now);
    if (work != null) {
      return new Answer(423, SHARED_LOCK);
    }
    if (!initialized) {
      return new Answer(404, UNINITIALIZED);
    }
    return new Answer(200, RustJson.compact(document(now)));
  }

  /** The status document as {@code apiclient update check} prints it: pretty, keys sorted. */
  String checkOutput(Instant now) {
    return RustJson.prettySorted(document(now));
  }

  /**
   * The host boots: the staged image if it is Ready and boots, the old one otherwise. Background
   * work dies with the old boot and the status (on tmpfs) is lost.
   *
   * @return the version running after the boot
   */
  String boot(Instant at, boolean newImageFails) {
    settle(at);
    work = null;
    if (state == UpdateState.READY
        && stagedNextToBoot
        && stagedVersion.isPresent()
        && !newImageFails) {
      activeVersion = stagedVersion.get();
    }
    stagedVersion = Optional.empty();
    stagedNextToBoot = false;
    state = UpdateState.IDLE;
    chosen = Optional.empty();
    initialized = false;
    last = null;
    return activeVersion;
  }

  /** Finishes background work whose time has come. */
  private void settle(Instant now) {
    if (work == null || work.until().isAfter(now)) {
      return;
    }
    Work done = work;
    work = null;
    switch (done.kind()) {
      case PREPARE -> {
        if (prepareFailuresLeft > 0) {
          prepareFailuresLeft--;
          last =
              new LastCommand(
                  "prepare",
                  "Failed",
                  done.until(),
                  1,
                  "Failed to write image to the inactive partition: No space left on device (os error 28)\n");
        } else {
          stagedVersion = Optional.of(done.version());
          stagedNextToBoot = false;
          state = UpdateState.STAGED;
          last = new LastCommand("prepare", "Success", done.until(), 0, "");
        }
      }
      case ACTIVATE -> {
        state = UpdateState.READY;
        stagedNextToBoot = true;
        last = new LastCommand("activate", "Success", done.until(), 0, "");
      }
    }
  }

  private Map<String, Object> document(Instant now) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("update_state", state.wire);
    d.put("available_updates", repository.published(now));
    d.put("chosen_update", chosen.map(this::image).orElse(null));
    Map<String, Object> active = new LinkedHashMap<>();
    active.put("image", image(activeVersion));
    active.put("next_to_boot", !stagedNextToBoot);
    d.put("active_partition", active);
    if (stagedVersion.isPresent()) {
      Map<String, Object> staging = new LinkedHashMap<>();
      staging.put("image", image(stagedVersion.get()));
      staging.put("next_to_boot", stagedNextToBoot);
      d.put("staging_partition", staging);
    } else {
      d.put("staging_partition", null);
    }
    if (last == null) {
      d.put("most_recent_command", null);
    } else {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("cmd_type", last.type());
      c.put("cmd_status", last.status());
      c.put("timestamp", RFC3339_NANOS.format(last.at()));
      c.put("exit_status", last.exitStatus());
      c.put("stderr", last.stderr());
      d.put("most_recent_command", c);
    }
    return d;
  }

  private Map<String, Object> image(String version) {
    Map<String, Object> i = new LinkedHashMap<>();
    i.put("arch", arch);
    i.put("version", version);
    i.put("variant", variant);
    return i;
  }
}
