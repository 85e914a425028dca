package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.host.HostError;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.host.UpdateState;
import io.github.bottlerocket.ecsupdater.host.UpdateStatus;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The decision function: from one {@link Observation} to the {@link Decision}s to carry out and a
 * report line per instance. Pure: no I/O, no clock (time comes in the observation).
 *
 * <p>Rules, in the order they are applied:
 *
 * <ol>
 *   <li>Instances with an update in progress advance first, each by its phase.
 *   <li>Slots are counted from the observation, before any decision: an instance that finishes
 *       frees its slot for the next observation, never for the current one.
 *   <li>New downloads and new drains start only when updates are not paused, the maintenance window
 *       is open and the circuit breaker is closed. Steps of started updates always go on.
 *   <li>Queued instances take download slots before newly checked ones; a new update check runs
 *       only when a download slot is free, nothing is queued and CHECK_INTERVAL has passed.
 * </ol>
 */
public final class Planner {

  /**
   * What the planner decided.
   *
   * @param decisions what to carry out, in order
   * @param reports one line per container instance, ordered as the observation
   * @param cluster the cluster-wide gates and counts
   */
  public record Plan(
      List<Decision> decisions, List<InstanceReport> reports, ClusterStatus cluster) {
    public Plan {
      decisions = List.copyOf(decisions);
      reports = List.copyOf(reports);
    }

    /** Whether any decision only gathers data, so the planner should run again before acting. */
    public boolean needsData() {
      return decisions.stream()
          .anyMatch(
              d -> d instanceof Decision.InspectTasks || d instanceof Decision.InspectServices);
    }
  }

  /**
   * The cluster-wide state of the gates.
   *
   * @param paused whether updates are paused (setting or cluster tag)
   * @param windowOpen whether the maintenance window is open (or ignored for this pass)
   * @param windowOpensAt when a closed window opens next
   * @param budgetFailures failures that count against the failure budget
   * @param failureBudget the budget
   * @param outOfService instances out of service now (the updater's and others' drains)
   * @param maxConcurrent the limit in force for this pass
   * @param nextCheck when idle instances are next due for an update check
   */
  public record ClusterStatus(
      boolean paused,
      boolean windowOpen,
      Optional<Instant> windowOpensAt,
      int budgetFailures,
      int failureBudget,
      int outOfService,
      int maxConcurrent,
      Optional<Instant> nextCheck) {

    /** Whether the failure budget is spent, so no new update starts. */
    public boolean circuitBreakerOpen() {
      return budgetFailures > failureBudget;
    }
  }

  private record Block(Reason reason, String detail) {}

  private record Candidate(InstanceView view, UpdateStatus status) {}

  private final Observation o;
  private final Settings s;
  private final Instant now;
  private final List<Decision> decisions = new ArrayList<>();
  private final Map<String, InstanceReport> reports = new LinkedHashMap<>();
  private final ClusterStatus cluster;
  private final Optional<Block> startBlock;
  private final Set<String> daemonServices;
  private boolean servicesRequested;

  /** Instances this plan drains: they no longer offer room to the next drain of the same plan. */
  private final Set<String> drainsGranted = new java.util.HashSet<>();

  private int drainSlots;
  private int downloadSlots;

  private Planner(Observation observation) {
    this.o = observation;
    this.s = observation.settings();
    this.now = observation.now();
    int outOfService = 0;
    int downloading = 0;
    int budgetFailures = 0;
    for (InstanceView v : o.instances()) {
      boolean ours = v.phase().map(Phase::isOutOfService).orElse(false);
      if (ours || v.instance().status() == InstanceStatus.DRAINING) {
        outOfService++;
      }
      if (v.phase().map(Phase::holdsStagingSlot).orElse(false)) {
        downloading++;
      }
      if (v.failure().map(f -> f.reason().countsAgainstBudget()).orElse(false)
          || (v.unreadable().isPresent()
              && v.instance().attributes().containsKey(StateAttributes.FAILURE))) {
        budgetFailures++;
      }
    }
    boolean paused = s.paused() || o.clusterPaused();
    boolean windowOpen = o.options().ignoreMaintenanceWindow() || s.maintenanceWindow().isOpen(now);
    Optional<Instant> opensAt =
        windowOpen ? Optional.empty() : s.maintenanceWindow().nextOpening(now);
    Optional<Instant> nextCheck =
        o.lastCheck().map(t -> t.plus(s.checkInterval())).filter(t -> t.isAfter(now));
    this.cluster =
        new ClusterStatus(
            paused,
            windowOpen,
            opensAt,
            budgetFailures,
            s.failureBudget(),
            outOfService,
            s.maxConcurrent(),
            nextCheck);
    if (paused) {
      startBlock = Optional.of(new Block(Reason.PAUSED, o.pauseDetail()));
    } else if (!windowOpen) {
      startBlock =
          Optional.of(
              new Block(
                  Reason.WINDOW_CLOSED,
                  "window "
                      + s.maintenanceWindow()
                      + opensAt.map(t -> "; opens at " + t).orElse("")));
    } else if (cluster.circuitBreakerOpen()) {
      startBlock =
          Optional.of(
              new Block(
                  Reason.CIRCUIT_BREAKER_OPEN,
                  budgetFailures
                      + " failed update(s) against a FAILURE_BUDGET of "
                      + s.failureBudget()
                      + "; clear the failure attributes to close it"));
    } else {
      startBlock = Optional.empty();
    }
    this.daemonServices =
        o.services().orElse(List.of()).stream()
            .filter(ServiceInfo::daemon)
            .map(ServiceInfo::name)
            .collect(Collectors.toUnmodifiableSet());
    this.drainSlots = s.maxConcurrent() - outOfService;
    this.downloadSlots = s.maxConcurrent() - downloading;
  }

  /** Decides what to do about every instance in {@code observation}. */
  public static Plan plan(Observation observation) {
    return new Planner(observation).run();
  }

  private Plan run() {
    List<InstanceView> inFlight = new ArrayList<>();
    List<InstanceView> queued = new ArrayList<>();
    List<InstanceView> idle = new ArrayList<>();
    for (InstanceView v : o.instances()) {
      reports.put(v.arn(), null);
      if (!v.instance().isBottlerocket()) {
        report(
            v,
            Outcome.SKIPPED,
            Reason.NOT_BOTTLEROCKET,
            "",
            "nothing: only Bottlerocket hosts are updated");
      } else if (v.unreadable().isPresent()) {
        report(
            v,
            Outcome.FAILED,
            Reason.STATE_UNREADABLE,
            v.unreadable().get(),
            "nothing until an operator fixes or deletes the attributes");
      } else if (v.phase().isEmpty()) {
        idle.add(v);
      } else if (v.phase().get() == Phase.QUEUED) {
        queued.add(v);
      } else {
        inFlight.add(v);
      }
    }
    // Later phases first, so that finishing work is decided before new work; within a phase the
    // instance that has waited longest goes first.
    inFlight.sort(
        Comparator.comparing((InstanceView v) -> v.phase().orElseThrow())
            .reversed()
            .thenComparing(v -> v.record().orElseThrow().since())
            .thenComparing(InstanceView::arn));
    for (InstanceView v : inFlight) {
      switch (v.phase().orElseThrow()) {
        case STAGING -> staging(v);
        case STAGED -> staged(v);
        case DRAINING -> draining(v);
        case ACTIVATING -> activating(v);
        case REBOOTING -> rebooting(v);
        case VERIFYING -> verifying(v);
        case QUEUED -> throw new IllegalStateException("queued instances are planned separately");
      }
    }
    queued.sort(
        Comparator.comparing((InstanceView v) -> v.record().orElseThrow().since())
            .thenComparing(InstanceView::arn));
    for (InstanceView v : queued) {
      queuedInstance(v);
    }
    idleInstances(idle, !queued.isEmpty());

    List<InstanceReport> ordered = new ArrayList<>();
    reports.values().forEach(ordered::add);
    return new Plan(decisions, ordered, cluster);
  }

  // ---------------------------------------------------------------- idle instances and checks

  private void idleInstances(List<InstanceView> idle, boolean anyQueued) {
    List<InstanceView> checkable = new ArrayList<>();
    for (InstanceView v : idle) {
      var i = v.instance();
      if (v.optedOut()) {
        report(
            v, Outcome.SKIPPED, Reason.OPTED_OUT, "", "nothing while the opt-out attribute is set");
      } else if (i.status() != InstanceStatus.ACTIVE) {
        report(
            v,
            Outcome.SKIPPED,
            Reason.NOT_ACTIVE,
            "status " + i.status(),
            "checked again once ACTIVE");
      } else if (!i.agentConnected()) {
        report(
            v,
            Outcome.SKIPPED,
            Reason.AGENT_DISCONNECTED,
            "",
            "checked again once the agent reconnects");
      } else if (v.failure().filter(f -> !f.reason().countsAgainstBudget()).isPresent()
          && retryAfter(v.failure().get()).isAfter(now)) {
        FailureRecord f = v.failure().get();
        report(
            v,
            Outcome.SKIPPED,
            Reason.BACKING_OFF,
            "failed " + f.count() + " time(s), last: " + f.reason() + " in " + f.phase(),
            "tried again after " + retryAfter(f));
      } else {
        checkable.add(v);
      }
    }
    switch (o.round()) {
      case CheckRound.NotStarted ignored -> planCheck(checkable, anyQueued);
      case CheckRound.Running running -> {
        for (InstanceView v : checkable) {
          report(
              v,
              Outcome.NOT_CHECKED,
              Reason.IN_PROGRESS,
              "update check sent",
              "waiting for the host's reply");
        }
      }
      case CheckRound.Done done -> checked(checkable, done);
    }
  }

  private void planCheck(List<InstanceView> checkable, boolean anyQueued) {
    Optional<String> notNow = Optional.empty();
    Reason why = Reason.NOT_CHECKED;
    if (startBlock.isPresent()) {
      why = startBlock.get().reason();
      notNow = Optional.of(startBlock.get().detail());
    } else if (downloadSlots <= 0) {
      why = Reason.NO_DOWNLOAD_SLOT;
      notNow = Optional.of("no download slot is free");
    } else if (anyQueued) {
      notNow = Optional.of("queued updates go first");
    } else if (!o.options().checkNow() && cluster.nextCheck().isPresent()) {
      notNow =
          Optional.of(
              "checked less than CHECK_INTERVAL ("
                  + Durations.format(s.checkInterval())
                  + ") ago; next check after "
                  + cluster.nextCheck().get());
    }
    if (notNow.isEmpty() && !checkable.isEmpty()) {
      decisions.add(new Decision.CheckForUpdates(checkable));
      for (InstanceView v : checkable) {
        report(
            v,
            Outcome.NOT_CHECKED,
            Reason.IN_PROGRESS,
            "update check",
            "waiting for the host's reply");
      }
      return;
    }
    for (InstanceView v : checkable) {
      report(v, Outcome.NOT_CHECKED, why, notNow.orElse(""), "checked by a later pass");
    }
  }

  private void checked(List<InstanceView> checkable, CheckRound.Done done) {
    List<Candidate> candidates = new ArrayList<>();
    for (InstanceView v : checkable) {
      HostReply reply = done.replies().get(v.arn());
      switch (reply) {
        case null ->
            report(
                v,
                Outcome.NOT_CHECKED,
                Reason.NOT_CHECKED,
                "not part of this pass's check",
                "checked by a later pass");
        case HostReply.Pending p ->
            report(
                v,
                Outcome.SKIPPED,
                Reason.CHECK_FAILED,
                "no reply within CHECK_TIMEOUT ("
                    + Durations.format(s.checkTimeout())
                    + "); SSM status "
                    + p.status(),
                "checked again by a later pass");
        case HostReply.Failed f ->
            report(
                v,
                Outcome.SKIPPED,
                Reason.CHECK_FAILED,
                describe(f.error()),
                "checked again by a later pass");
        case HostReply.Done d ->
            report(
                v,
                Outcome.SKIPPED,
                Reason.CHECK_FAILED,
                "the check printed no status",
                "checked again by a later pass");
        case HostReply.Status st -> {
          UpdateStatus status = st.status();
          if (!status.hasUpdate()) {
            reportStatus(
                v,
                status,
                Outcome.UP_TO_DATE,
                Reason.NO_UPDATE,
                "update state " + status.state(),
                "checked again after CHECK_INTERVAL");
          } else if (v.failure().filter(f -> f.reason().countsAgainstBudget()).isPresent()
              && v.failure().get().targetVersion().equals(status.targetVersion())) {
            reportStatus(
                v,
                status,
                Outcome.FAILED,
                Reason.NEEDS_OPERATOR,
                "the update to "
                    + status.targetVersion().orElse("?")
                    + " failed before: "
                    + v.failure().get().reason(),
                "not retried until an operator deletes " + StateAttributes.FAILURE);
          } else {
            candidates.add(new Candidate(v, status));
          }
        }
      }
    }
    candidates.sort(
        Comparator.comparingInt(
                (Candidate c) -> c.view().failure().map(FailureRecord::count).orElse(0))
            .thenComparingInt(c -> c.view().instance().runningTasks())
            .thenComparing(c -> c.view().arn()));
    for (Candidate c : candidates) {
      InstanceView v = c.view();
      String target = c.status().targetVersion().orElseThrow();
      String from = c.status().activeVersion();
      if (!attributeRoom(v)) {
        reportStatus(
            v,
            c.status(),
            Outcome.SKIPPED,
            Reason.ATTRIBUTE_LIMIT,
            attributeDetail(v),
            "checked again by a later pass");
      } else if (startBlock.isPresent()) {
        reportStatus(
            v,
            c.status(),
            Outcome.WAITING,
            startBlock.get().reason(),
            startBlock.get().detail(),
            "started once allowed");
      } else if (downloadSlots > 0) {
        startOrInspect(v, Optional.of(target), Optional.of(from), Optional.of(c.status()));
      } else {
        decisions.add(new Decision.Queue(v, target, from));
        reportStatus(
            v,
            c.status(),
            Outcome.WAITING,
            Reason.NO_DOWNLOAD_SLOT,
            "update " + from + " -> " + target + " queued",
            "download starts when a slot frees");
      }
    }
  }

  private void queuedInstance(InstanceView v) {
    PhaseRecord r = v.record().orElseThrow();
    var i = v.instance();
    if (v.optedOut()) {
      release(v, Reason.OPTED_OUT, "opted out while queued");
    } else if (i.status() != InstanceStatus.ACTIVE) {
      release(v, Reason.NOT_ACTIVE, "status " + i.status() + " while queued");
    } else if (!i.agentConnected()) {
      release(v, Reason.AGENT_DISCONNECTED, "agent disconnected while queued");
    } else if (!attributeRoom(v)) {
      release(v, Reason.ATTRIBUTE_LIMIT, attributeDetail(v));
    } else if (startBlock.isPresent()) {
      report(
          v,
          Outcome.WAITING,
          startBlock.get().reason(),
          startBlock.get().detail(),
          "download starts once allowed");
    } else if (downloadSlots > 0) {
      startOrInspect(v, r.targetVersion(), r.fromVersion(), Optional.empty());
    } else {
      report(
          v,
          Outcome.WAITING,
          Reason.NO_DOWNLOAD_SLOT,
          "queued since " + r.since(),
          "download starts when a slot frees");
    }
  }

  /** Takes a download slot for {@code v} and starts it, once its tasks are known. */
  private void startOrInspect(
      InstanceView v,
      Optional<String> target,
      Optional<String> from,
      Optional<UpdateStatus> status) {
    List<TaskInfo> tasks = o.tasks().get(v.arn());
    if (tasks == null) {
      downloadSlots--;
      decisions.add(new Decision.InspectTasks(v));
      report(
          v,
          Outcome.WAITING,
          Reason.IN_PROGRESS,
          "reading the instance's tasks",
          "download starts if only service tasks run");
      return;
    }
    List<TaskInfo> standalone = Capacity.standalone(tasks);
    if (!standalone.isEmpty()) {
      if (v.phase().isPresent()) {
        release(v, Reason.STANDALONE_TASKS, describeTasks(standalone));
      } else if (status.isPresent()) {
        reportStatus(
            v,
            status.get(),
            Outcome.SKIPPED,
            Reason.STANDALONE_TASKS,
            describeTasks(standalone),
            "checked again by a later pass");
      } else {
        report(
            v,
            Outcome.SKIPPED,
            Reason.STANDALONE_TASKS,
            describeTasks(standalone),
            "checked again by a later pass");
      }
      return;
    }
    downloadSlots--;
    boolean alreadyStaged =
        status
            .filter(st -> st.state() == UpdateState.STAGED || st.state() == UpdateState.READY)
            .flatMap(UpdateStatus::stagedVersion)
            .filter(staged -> staged.equals(target.orElse(null)))
            .isPresent();
    if (alreadyStaged) {
      decisions.add(new Decision.MarkStaged(v, target.orElseThrow(), from));
      report(
          v,
          Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          "update " + target.get() + " is already staged",
          "drain when a slot, the window and capacity allow");
    } else {
      decisions.add(new Decision.StartStaging(v, target, from));
      report(
          v,
          Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          "downloading " + target.orElse("the chosen update"),
          "drain once the download is staged");
    }
  }

  // ---------------------------------------------------------------- phases of an update

  private void staging(InstanceView v) {
    PhaseRecord r = v.record().orElseThrow();
    if (elapsed(r).compareTo(s.stageTimeout()) > 0) {
      fail(
          v,
          FailureReason.STAGE_TIMEOUT,
          "no Staged status after " + Durations.format(elapsed(r)),
          Decision.Undo.NOTHING);
      return;
    }
    HostReply reply = o.phaseReplies().get(v.arn());
    switch (reply) {
      case null -> waitFor(v, "the download request's result");
      case HostReply.Pending p -> waitFor(v, "the download request (SSM " + p.status() + ")");
      case HostReply.Done d ->
          fail(
              v,
              FailureReason.STAGE_FAILED,
              "the download request printed no status",
              Decision.Undo.NOTHING);
      case HostReply.Failed f -> {
        switch (f.error().kind()) {
          case WRONG_STATE, NOTHING_TO_APPLY ->
              release(v, Reason.UPDATE_WITHDRAWN, describe(f.error()));
          case LOCKED -> resend(v, "another update command held the lock; asking again");
          case UNINITIALIZED, UNPARSEABLE, FAILED, NOT_RUN ->
              fail(v, FailureReason.STAGE_FAILED, describe(f.error()), Decision.Undo.NOTHING);
        }
      }
      case HostReply.Status requested -> stagingProgress(v, r, requested.status());
    }
  }

  private void stagingProgress(InstanceView v, PhaseRecord r, UpdateStatus atRequest) {
    String requestedAt =
        atRequest.lastCommand().map(UpdateStatus.LastCommand::timestamp).orElse("");
    Optional<ProbeResult> probe = probeSince(v, r.since());
    if (probe.isEmpty()) {
      probe(
          v, "downloading " + r.targetVersion().or(atRequest::targetVersion).orElse("the update"));
      return;
    }
    switch (probe.get().reply()) {
      case HostReply.Pending p -> waitFor(v, "the host's update status");
      case HostReply.Done d -> probeAgain(v, probe.get(), "downloading");
      case HostReply.Failed f -> {
        if (f.error().kind() == HostError.Kind.UNINITIALIZED) {
          fail(
              v,
              FailureReason.STAGE_FAILED,
              "the host rebooted during the download",
              Decision.Undo.NOTHING);
        } else {
          // 423 is expected: the download holds the update lock. Anything else: ask again until
          // STAGE_TIMEOUT.
          probeAgain(v, probe.get(), "downloading (" + f.error().kind() + ")");
        }
      }
      case HostReply.Status st -> {
        UpdateStatus now = st.status();
        Optional<UpdateStatus.LastCommand> last = now.lastCommand();
        boolean ours =
            last.filter(c -> c.type().equals("prepare") && !c.timestamp().equals(requestedAt))
                .isPresent();
        if (ours && last.get().failed()) {
          fail(
              v,
              FailureReason.STAGE_FAILED,
              "prepare failed on the host: " + last.get().stderr(),
              Decision.Undo.NOTHING);
        } else if (ours
            && (now.state() == UpdateState.STAGED || now.state() == UpdateState.READY)
            && now.stagedVersion().isPresent()) {
          decisions.add(
              new Decision.MarkStaged(
                  v, now.stagedVersion().get(), Optional.of(now.activeVersion())));
          reportStatus(
              v,
              now,
              Outcome.IN_PROGRESS,
              Reason.IN_PROGRESS,
              "update " + now.stagedVersion().get() + " staged",
              "drain when a slot, the window and capacity allow");
        } else {
          probeAgain(v, probe.get(), "downloading (update state " + now.state() + ")");
        }
      }
    }
  }

  private void staged(InstanceView v) {
    var i = v.instance();
    if (v.optedOut()) {
      release(v, Reason.OPTED_OUT, "opted out while staged; the staged image stays inactive");
      return;
    }
    if (i.status() != InstanceStatus.ACTIVE) {
      report(
          v, Outcome.WAITING, Reason.NOT_ACTIVE, "status " + i.status(), "drain once ACTIVE again");
      return;
    }
    if (!i.agentConnected()) {
      report(v, Outcome.WAITING, Reason.AGENT_DISCONNECTED, "", "drain once the agent reconnects");
      return;
    }
    Optional<Block> block = drainBlock(v);
    if (block.isPresent()) {
      if (block.get().reason() == Reason.STANDALONE_TASKS) {
        fail(v, FailureReason.STANDALONE_TASKS, block.get().detail(), Decision.Undo.NOTHING);
      } else if (block.get().reason() == Reason.IN_PROGRESS) {
        report(v, Outcome.WAITING, Reason.IN_PROGRESS, block.get().detail(), "drain if it is safe");
      } else {
        report(
            v,
            Outcome.WAITING,
            block.get().reason(),
            block.get().detail(),
            "drain when it is allowed and safe");
      }
      return;
    }
    PhaseRecord r = v.record().orElseThrow();
    String target = r.targetVersion().orElse("");
    Optional<ProbeResult> probe = probeSince(v, r.since());
    if (probe.isEmpty()) {
      drainSlots--;
      probe(v, "confirming the staged update before the drain");
      return;
    }
    switch (probe.get().reply()) {
      case HostReply.Pending p -> {
        drainSlots--;
        waitFor(v, "the host's update status before the drain");
      }
      case HostReply.Done d -> {
        drainSlots--;
        probe(v, "confirming the staged update");
      }
      case HostReply.Failed f -> {
        if (f.error().isTransient() && f.error().kind() != HostError.Kind.UNINITIALIZED) {
          drainSlots--;
          probe(v, "confirming the staged update (" + f.error().kind() + ")");
        } else {
          fail(v, FailureReason.STAGE_LOST, describe(f.error()), Decision.Undo.NOTHING);
        }
      }
      case HostReply.Status st -> {
        UpdateStatus now = st.status();
        boolean stagedOk =
            (now.state() == UpdateState.STAGED || now.state() == UpdateState.READY)
                && now.stagedVersion().filter(target::equals).isPresent();
        if (stagedOk) {
          drainSlots--;
          decisions.add(new Decision.StartDrain(v));
          drainsGranted.add(v.arn());
          reportStatus(
              v,
              now,
              Outcome.IN_PROGRESS,
              Reason.IN_PROGRESS,
              "draining",
              "reboot once only daemon tasks remain");
        } else {
          fail(
              v,
              FailureReason.STAGE_LOST,
              "the host reports "
                  + now.state()
                  + " with "
                  + now.stagedVersion().orElse("no image")
                  + " staged, expected "
                  + target,
              Decision.Undo.NOTHING);
        }
      }
    }
  }

  /**
   * Why {@code v} may not be drained now, if it may not. Takes a drain slot only when nothing
   * blocks (the caller decrements). An {@link Reason#IN_PROGRESS} block asks for data.
   */
  private Optional<Block> drainBlock(InstanceView v) {
    if (startBlock.isPresent()) {
      return startBlock;
    }
    if (drainSlots <= 0) {
      return Optional.of(
          new Block(
              Reason.NO_DRAIN_SLOT,
              cluster.outOfService() + " of " + s.maxConcurrent() + " out of service"));
    }
    Optional<List<ServiceInfo>> services = o.services().filter(x -> o.servicesFresh());
    List<TaskInfo> tasks = o.tasks().get(v.arn());
    if (services.isEmpty() || tasks == null) {
      if (services.isEmpty()) {
        requestServices(true);
      }
      if (tasks == null) {
        decisions.add(new Decision.InspectTasks(v));
      }
      drainSlots--;
      return Optional.of(new Block(Reason.IN_PROGRESS, "reading tasks and services"));
    }
    List<String> below =
        services.get().stream()
            .filter(ServiceInfo::isBelowDesired)
            .map(sv -> sv.name() + " (" + sv.running() + "/" + sv.desired() + ")")
            .toList();
    if (!below.isEmpty()) {
      return Optional.of(
          new Block(
              Reason.SERVICE_BELOW_DESIRED,
              String.join(", ", below.subList(0, Math.min(3, below.size())))
                  + (below.size() > 3 ? " and " + (below.size() - 3) + " more" : "")));
    }
    List<TaskInfo> standalone = Capacity.standalone(tasks);
    if (!standalone.isEmpty()) {
      return Optional.of(new Block(Reason.STANDALONE_TASKS, describeTasks(standalone)));
    }
    Capacity.Verdict capacity = Capacity.check(v, tasks, o, daemonServices, drainsGranted);
    if (!capacity.fits()) {
      return Optional.of(new Block(Reason.INSUFFICIENT_CAPACITY, capacity.detail()));
    }
    return Optional.empty();
  }

  private void draining(InstanceView v) {
    PhaseRecord r = v.record().orElseThrow();
    var i = v.instance();
    if (i.status() == InstanceStatus.ACTIVE) {
      // The drain was recorded but ECS did not apply it (the pass stopped in between). The slot
      // is already counted for this instance; give it back to check the gates afresh.
      drainSlots++;
      Optional<Block> block = drainBlock(v);
      if (block.isEmpty()) {
        drainSlots--;
        decisions.add(new Decision.StartDrain(v));
        drainsGranted.add(v.arn());
        report(
            v,
            Outcome.IN_PROGRESS,
            Reason.IN_PROGRESS,
            "setting DRAINING (recorded, not yet applied)",
            "reboot once only daemon tasks remain");
      } else if (block.get().reason() == Reason.IN_PROGRESS) {
        report(
            v,
            Outcome.IN_PROGRESS,
            Reason.IN_PROGRESS,
            block.get().detail(),
            "drain if it is still safe");
      } else {
        decisions.add(new Decision.RevertToStaged(v, block.get().reason()));
        report(
            v,
            Outcome.WAITING,
            block.get().reason(),
            block.get().detail(),
            "back to staged; drain when it is allowed and safe");
      }
      return;
    }
    if (i.status() != InstanceStatus.DRAINING) {
      report(
          v,
          Outcome.WAITING,
          Reason.NOT_ACTIVE,
          "status " + i.status(),
          "continues if the instance returns");
      return;
    }
    if (elapsed(r).compareTo(s.drainTimeout()) > 0) {
      List<TaskInfo> tasks = o.tasks().getOrDefault(v.arn(), List.of());
      fail(
          v,
          FailureReason.DRAIN_TIMEOUT,
          Capacity.movable(tasks, daemonServices).size()
              + " service task(s) still running after "
              + Durations.format(elapsed(r)),
          Decision.Undo.REACTIVATE);
      return;
    }
    List<TaskInfo> tasks = o.tasks().get(v.arn());
    if (tasks == null || o.services().isEmpty()) {
      if (tasks == null) {
        decisions.add(new Decision.InspectTasks(v));
      }
      requestServices(false);
      report(
          v,
          Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          "reading tasks",
          "reboot once only daemon tasks remain");
      return;
    }
    List<TaskInfo> standalone = Capacity.standalone(tasks);
    if (!standalone.isEmpty()) {
      fail(
          v,
          FailureReason.STANDALONE_TASKS,
          describeTasks(standalone) + " appeared during the drain",
          Decision.Undo.REACTIVATE);
      return;
    }
    List<TaskInfo> moving = Capacity.movable(tasks, daemonServices);
    if (!moving.isEmpty()) {
      report(
          v,
          Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          moving.size() + " service task(s) still running",
          "reboot once only daemon tasks remain");
      return;
    }
    decisions.add(new Decision.Activate(v));
    report(
        v,
        Outcome.IN_PROGRESS,
        Reason.IN_PROGRESS,
        "drained",
        "activate the staged update, then reboot");
  }

  private void activating(InstanceView v) {
    PhaseRecord r = v.record().orElseThrow();
    if (elapsed(r).compareTo(s.activateTimeout()) > 0) {
      fail(
          v,
          FailureReason.ACTIVATE_FAILED,
          "not Ready after " + Durations.format(elapsed(r)),
          Decision.Undo.CANCEL_AND_REACTIVATE);
      return;
    }
    List<TaskInfo> tasks = o.tasks().get(v.arn());
    if (tasks == null || o.services().isEmpty()) {
      if (tasks == null) {
        decisions.add(new Decision.InspectTasks(v));
      }
      requestServices(false);
      report(
          v,
          Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          "reading tasks",
          "reboot once the update is Ready");
      return;
    }
    List<TaskInfo> running = new ArrayList<>(Capacity.movable(tasks, daemonServices));
    running.addAll(Capacity.standalone(tasks));
    if (!running.isEmpty()) {
      // Never reboot a host that runs tasks other than daemon tasks.
      report(
          v,
          Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          running.size() + " task(s) other than daemon tasks run on it",
          "reboot once they are gone");
      return;
    }
    HostReply reply = o.phaseReplies().get(v.arn());
    boolean wasLocked = false;
    switch (reply) {
      case null -> {
        waitFor(v, "the activation's result");
        return;
      }
      case HostReply.Pending p -> {
        waitFor(v, "the activation (SSM " + p.status() + ")");
        return;
      }
      case HostReply.Failed f -> {
        HostError.Kind k = f.error().kind();
        if (k != HostError.Kind.WRONG_STATE && k != HostError.Kind.LOCKED) {
          fail(
              v,
              FailureReason.ACTIVATE_FAILED,
              describe(f.error()),
              Decision.Undo.CANCEL_AND_REACTIVATE);
          return;
        }
        wasLocked = k == HostError.Kind.LOCKED;
      }
      case HostReply.Done d -> {}
      case HostReply.Status st -> {}
    }
    String target = r.targetVersion().orElse("");
    Optional<ProbeResult> probe = probeSince(v, r.since());
    if (probe.isEmpty()) {
      probe(v, "waiting for Ready");
      return;
    }
    switch (probe.get().reply()) {
      case HostReply.Pending p -> waitFor(v, "the host's update status");
      case HostReply.Done d -> probe(v, "waiting for Ready");
      case HostReply.Failed f -> {
        if (f.error().kind() == HostError.Kind.LOCKED) {
          probe(v, "waiting for Ready (locked)");
        } else {
          fail(
              v,
              FailureReason.ACTIVATE_FAILED,
              describe(f.error()),
              Decision.Undo.CANCEL_AND_REACTIVATE);
        }
      }
      case HostReply.Status st -> {
        UpdateStatus now = st.status();
        boolean staged = now.stagedVersion().filter(target::equals).isPresent();
        Optional<UpdateStatus.LastCommand> last = now.lastCommand();
        if (now.state() == UpdateState.READY && staged && now.stagedNextToBoot()) {
          decisions.add(new Decision.Reboot(v));
          reportStatus(
              v,
              now,
              Outcome.IN_PROGRESS,
              Reason.IN_PROGRESS,
              "update " + target + " Ready",
              "reboot; wait for the agent to come back");
        } else if (now.state() == UpdateState.STAGED && staged) {
          if (last.filter(c -> c.type().equals("activate") && c.failed()).isPresent()) {
            fail(
                v,
                FailureReason.ACTIVATE_FAILED,
                "activate failed on the host: " + last.get().stderr(),
                Decision.Undo.CANCEL_AND_REACTIVATE);
          } else if (wasLocked) {
            resend(v, "the activation met a locked update; asking again");
          } else {
            probe(v, "waiting for Ready");
          }
        } else {
          fail(
              v,
              FailureReason.ACTIVATE_FAILED,
              "the host reports "
                  + now.state()
                  + " with "
                  + now.stagedVersion().orElse("no image")
                  + " staged, expected "
                  + target,
              Decision.Undo.CANCEL_AND_REACTIVATE);
        }
      }
    }
  }

  private void rebooting(InstanceView v) {
    PhaseRecord r = v.record().orElseThrow();
    boolean alreadyFailed = hasFailure(v, FailureReason.REBOOT_TIMEOUT, r.targetVersion());
    boolean connected = v.instance().agentConnected();
    if (!alreadyFailed && elapsed(r).compareTo(s.rebootTimeout()) > 0 && !connected) {
      fail(
          v,
          FailureReason.REBOOT_TIMEOUT,
          "agent not connected "
              + Durations.format(elapsed(r))
              + " after the reboot; left DRAINING",
          Decision.Undo.LEAVE_DRAINING);
      return;
    }
    boolean back =
        connected
            && (o.seenDisconnected().contains(v.arn())
                || elapsed(r).compareTo(s.rebootGrace()) >= 0);
    if (back) {
      decisions.add(new Decision.Verify(v));
      report(
          v,
          alreadyFailed ? Outcome.FAILED : Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          "agent reconnected",
          "read the running version");
    } else if (alreadyFailed) {
      report(
          v,
          Outcome.FAILED,
          FailureReason.REBOOT_TIMEOUT.name(),
          "the host has not come back; left DRAINING",
          "verified if the agent reconnects; an operator should look at the host");
    } else {
      report(
          v,
          Outcome.IN_PROGRESS,
          Reason.IN_PROGRESS,
          connected ? "reboot sent" : "rebooting (agent disconnected)",
          "verify once the agent is back");
    }
  }

  private void verifying(InstanceView v) {
    PhaseRecord r = v.record().orElseThrow();
    if (!v.instance().agentConnected()) {
      if (elapsed(r).compareTo(s.verifyTimeout()) > 0
          && !hasFailure(v, FailureReason.REBOOT_TIMEOUT, r.targetVersion())) {
        fail(
            v,
            FailureReason.REBOOT_TIMEOUT,
            "the agent disconnected again and did not return within VERIFY_TIMEOUT; left DRAINING",
            Decision.Undo.LEAVE_DRAINING);
      } else {
        report(
            v,
            Outcome.IN_PROGRESS,
            Reason.AGENT_DISCONNECTED.name(),
            "agent disconnected",
            "verify once the agent is back");
      }
      return;
    }
    if (elapsed(r).compareTo(s.verifyTimeout()) > 0) {
      fail(
          v,
          FailureReason.VERIFY_FAILED,
          "no usable version report after " + Durations.format(elapsed(r)),
          Decision.Undo.REACTIVATE);
      return;
    }
    HostReply reply = o.phaseReplies().get(v.arn());
    switch (reply) {
      case null -> waitFor(v, "the update check's result");
      case HostReply.Pending p -> waitFor(v, "the update check (SSM " + p.status() + ")");
      case HostReply.Status st -> verdict(v, r, st.status());
      case HostReply.Done d -> resend(v, "the update check printed no status; checking again");
      case HostReply.Failed f -> {
        // `update check` prints nothing when the refresh fails (no route to the repository, for
        // example), but the status still says which version runs.
        Optional<ProbeResult> probe = probeSince(v, r.since());
        if (probe.isEmpty()) {
          probe(v, "the check failed (" + f.error().kind() + "); reading the status instead");
        } else if (probe.get().reply() instanceof HostReply.Status st) {
          verdict(v, r, st.status());
        } else if (probe.get().isDone()) {
          resend(v, "neither check nor status answered; checking again");
        } else {
          waitFor(v, "the host's update status");
        }
      }
    }
  }

  private void verdict(InstanceView v, PhaseRecord r, UpdateStatus now) {
    String target = r.targetVersion().orElse("");
    if (now.activeVersion().equals(target)) {
      decisions.add(new Decision.Complete(v, now.activeVersion()));
      reportStatus(v, now, Outcome.UPDATED, Reason.IN_PROGRESS, "running " + target, "set ACTIVE");
    } else if (now.state() == UpdateState.READY
        && now.stagedVersion().filter(target::equals).isPresent()) {
      // Not rebooted yet, or about to: the reboot may still be on its way down. Ask again until
      // VERIFY_TIMEOUT rather than set ACTIVE an instance that may reboot any moment.
      if (elapsed(r).compareTo(s.verifyTimeout()) < 0) {
        resend(
            v,
            "still running "
                + now.activeVersion()
                + " with "
                + target
                + " Ready; waiting for the reboot");
      } else {
        fail(
            v,
            FailureReason.REBOOT_NOT_PERFORMED,
            "still running "
                + now.activeVersion()
                + " with "
                + target
                + " Ready after "
                + Durations.format(elapsed(r)),
            Decision.Undo.CANCEL_AND_REACTIVATE);
      }
    } else if (r.fromVersion().filter(now.activeVersion()::equals).isPresent()) {
      fail(
          v,
          FailureReason.ROLLED_BACK,
          "came back on " + now.activeVersion() + " instead of " + target,
          Decision.Undo.REACTIVATE);
    } else {
      fail(
          v,
          FailureReason.VERIFY_FAILED,
          "runs " + now.activeVersion() + ", expected " + target,
          Decision.Undo.REACTIVATE);
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Whether the instance has room for the updater's record and, should the update fail, a failure
   * record. Checked before anything starts: a step that could not be recorded must not be taken.
   */
  private static boolean attributeRoom(InstanceView v) {
    int needed = (v.record().isPresent() ? 0 : 1) + (v.failure().isPresent() ? 0 : 1);
    return v.instance().customAttributeCount() + needed <= ContainerInstance.CUSTOM_ATTRIBUTE_LIMIT;
  }

  private static String attributeDetail(InstanceView v) {
    return v.instance().customAttributeCount()
        + " custom attributes of ECS's "
        + ContainerInstance.CUSTOM_ATTRIBUTE_LIMIT
        + "; the updater needs 2 for its record and a failure record; delete some";
  }

  private Instant retryAfter(FailureRecord f) {
    return f.retryAfter(s.retryBackoff(), s.retryBackoffMax());
  }

  private Duration elapsed(PhaseRecord r) {
    return Duration.between(r.since(), now);
  }

  private static boolean hasFailure(InstanceView v, FailureReason reason, Optional<String> target) {
    return v.failure()
        .filter(f -> f.reason() == reason && f.targetVersion().equals(target))
        .isPresent();
  }

  private Optional<ProbeResult> probeSince(InstanceView v, Instant since) {
    return Optional.ofNullable(o.probes().get(v.arn())).filter(p -> !p.sentAt().isBefore(since));
  }

  /**
   * Asks for the cluster's services when they are missing, or when {@code fresh} and they were read
   * before this observation.
   */
  private void requestServices(boolean fresh) {
    boolean missing = o.services().isEmpty() || (fresh && !o.servicesFresh());
    if (missing && !servicesRequested) {
      servicesRequested = true;
      decisions.add(new Decision.InspectServices());
    }
  }

  private void probe(InstanceView v, String detail) {
    decisions.add(new Decision.Probe(v));
    report(
        v, Outcome.IN_PROGRESS, Reason.IN_PROGRESS, detail, "ask the host for its update status");
  }

  /**
   * Asks the host again once {@code POLL_INTERVAL} has passed since the last probe: a download
   * takes minutes, and each probe is an SSM command.
   */
  private void probeAgain(InstanceView v, ProbeResult last, String detail) {
    if (Duration.between(last.sentAt(), now).compareTo(s.pollInterval()) >= 0) {
      probe(v, detail);
    } else {
      report(v, Outcome.IN_PROGRESS, Reason.IN_PROGRESS, detail, "ask the host again shortly");
    }
  }

  private void waitFor(InstanceView v, String what) {
    report(
        v,
        Outcome.IN_PROGRESS,
        Reason.IN_PROGRESS,
        "waiting for " + what,
        "continue when it answers");
  }

  private void resend(InstanceView v, String detail) {
    decisions.add(new Decision.Resend(v));
    report(v, Outcome.IN_PROGRESS, Reason.IN_PROGRESS, detail, "send the step's command again");
  }

  private void release(InstanceView v, Reason reason, String detail) {
    decisions.add(new Decision.Release(v, reason, detail));
    report(
        v,
        Outcome.SKIPPED,
        reason,
        detail,
        "the updater's record is removed; checked again by a later pass");
  }

  private void fail(InstanceView v, FailureReason reason, String detail, Decision.Undo undo) {
    Decision.Fail f = new Decision.Fail(v, reason, detail, undo);
    decisions.add(f);
    String next;
    if (reason.countsAgainstBudget()) {
      next =
          (f.keepRecord() ? "left DRAINING; " : f.reactivate() ? "set ACTIVE; " : "")
              + "counts against FAILURE_BUDGET until an operator deletes "
              + StateAttributes.FAILURE;
    } else {
      next = (f.reactivate() ? "set ACTIVE; " : "") + "tried again after RETRY_BACKOFF";
    }
    report(v, Outcome.FAILED, reason.name(), reason.summary() + ": " + detail, next);
  }

  private void report(InstanceView v, Outcome outcome, Reason reason, String detail, String next) {
    report(v, outcome, reason.name(), detail, next);
  }

  private void report(InstanceView v, Outcome outcome, String reason, String detail, String next) {
    reports.put(v.arn(), line(v, Optional.empty(), outcome, reason, detail, next));
  }

  private void reportStatus(
      InstanceView v,
      UpdateStatus status,
      Outcome outcome,
      Reason reason,
      String detail,
      String next) {
    reports.put(v.arn(), line(v, Optional.of(status), outcome, reason.name(), detail, next));
  }

  private InstanceReport line(
      InstanceView v,
      Optional<UpdateStatus> status,
      Outcome outcome,
      String reason,
      String detail,
      String next) {
    Optional<PhaseRecord> r = v.record();
    Optional<String> running =
        status.map(UpdateStatus::activeVersion).or(() -> r.flatMap(PhaseRecord::fromVersion));
    Optional<String> target =
        status.flatMap(UpdateStatus::targetVersion).or(() -> r.flatMap(PhaseRecord::targetVersion));
    if (status.isPresent() && !status.get().hasUpdate()) {
      target = Optional.empty();
    }
    return new InstanceReport(
        v.arn(),
        v.ec2InstanceId(),
        v.instance().status().name(),
        v.instance().variant(),
        running,
        target,
        v.phase(),
        outcome,
        reason.equals(Reason.IN_PROGRESS.name()) ? Optional.empty() : Optional.of(reason),
        detail,
        next);
  }

  private static String describe(HostError e) {
    return e.kind()
        + (e.httpStatus().isPresent() ? " (" + e.httpStatus().getAsInt() + ")" : "")
        + ": "
        + e.detail();
  }

  private static String describeTasks(List<TaskInfo> tasks) {
    String names =
        tasks.stream()
            .limit(3)
            .map(t -> t.group().isEmpty() ? t.arn() : t.group())
            .collect(Collectors.joining(", "));
    return tasks.size() + " task(s) no service owns: " + names + (tasks.size() > 3 ? ", ..." : "");
  }
}
