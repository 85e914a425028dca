package io.github.bottlerocket.ecsupdater.engine;

import io.github.bottlerocket.ecsupdater.config.Durations;
import io.github.bottlerocket.ecsupdater.config.Settings;
import io.github.bottlerocket.ecsupdater.host.HostCommand;
import io.github.bottlerocket.ecsupdater.host.HostReply;
import io.github.bottlerocket.ecsupdater.model.ClusterInfo;
import io.github.bottlerocket.ecsupdater.model.CommandInvocation;
import io.github.bottlerocket.ecsupdater.model.ContainerInstance;
import io.github.bottlerocket.ecsupdater.model.InstanceStatus;
import io.github.bottlerocket.ecsupdater.model.InvocationStatus;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.model.TaskInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs reconcile passes: observes a cluster, lets the {@link Planner} decide, carries the decisions
 * out, and repeats while work is in flight and time is left.
 *
 * <p>This is the one place where decisions touch AWS. Its ordering rules keep every crash point
 * safe for the next pass:
 *
 * <ul>
 *   <li>a drain is recorded on the instance before the instance is set DRAINING, so no instance is
 *       ever drained without the updater's record of why and since when;
 *   <li>a host command is sent before its phase is recorded, so a recorded phase always names a
 *       command that exists (a command sent but not recorded is found again by the next check);
 *   <li>on success the instance is set ACTIVE before the record is deleted; on failure the failure
 *       is recorded before anything is undone.
 * </ul>
 */
public final class Reconciler {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  /** How long other instances' free capacity may be reused from an earlier observation. */
  private static final Duration FULL_REFRESH_AGE = Duration.ofMinutes(1);

  /** Which services are daemons changes rarely; a reading this old is read again. */
  private static final Duration SERVICES_MAX_AGE = Duration.ofMinutes(5);

  /** Guards against a plan that keeps changing state without ever waiting. */
  private static final int MAX_ITERATIONS_WITHOUT_WAIT = 25;

  /** The planner may ask for more data a few times before its decisions are carried out. */
  private static final int MAX_DATA_ROUNDS = 4;

  private final EcsPort ecs;
  private final SsmPort ssm;
  private final Settings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final PassListener listener;
  private final Supplier<String> runIds;

  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener,
      Supplier<String> runIds) {
    this.ecs = ecs;
    this.ssm = ssm;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    this.listener = listener;
    this.runIds = runIds;
  }

  public Reconciler(
      EcsPort ecs,
      SsmPort ssm,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      PassListener listener) {
    this(ecs, ssm, settings, clock, sleeper, listener, () -> UUID.randomUUID().toString());
  }

  /**
   * Runs one pass over {@code cluster}.
   *
   * @param cluster a cluster name or ARN
   * @param options this pass's options
   * @param deadline the time this pass has; it stops starting steps DEADLINE_MARGIN before the end
   * @return the pass report; a fault that stopped the pass is in it, never thrown
   */
  public PassReport run(String cluster, PassOptions options, Deadline deadline) {
    Settings effective =
        options.maxConcurrent().isPresent()
            ? settings.withMaxConcurrent(options.maxConcurrent().getAsInt())
            : settings;
    return new Pass(cluster, options, deadline, effective).run();
  }

  /** The memory of one pass. Nothing here outlives the pass; all lasting state is on ECS. */
  private final class Pass {
    private final String clusterRef;
    private final PassOptions options;
    private final Deadline deadline;
    private final Settings s;
    private final String runId = runIds.get();
    private final Instant startedAt = clock.instant();

    private ClusterInfo cluster;
    private final Map<String, ContainerInstance> instances = new LinkedHashMap<>();
    private Instant lastFullRefresh = Instant.MIN;
    private boolean fullRefreshDue = true;

    private CheckRound round = new CheckRound.NotStarted();
    private Optional<Instant> checkToRecord = Optional.empty();
    private final Map<String, String> ec2ToArn = new HashMap<>();
    private final Map<String, ProbeResult> probes = new HashMap<>();
    private final Map<String, HostReply> terminalReplies = new HashMap<>();
    private final Set<String> seenDisconnected = new HashSet<>();

    private Map<String, List<TaskInfo>> tasks = new HashMap<>();
    private Optional<List<ServiceInfo>> services = Optional.empty();
    private Instant servicesReadAt = Instant.MIN;
    private boolean servicesFresh;
    private boolean repliesPending;

    /** Instances whose update moved by itself at the last observation (STAGING to VERIFYING). */
    private Set<String> moving = Set.of();

    /** Instances whose record this pass changed since the last observation. */
    private final Set<String> touched = new HashSet<>();

    private final List<Transition> transitions = new ArrayList<>();
    private final Map<String, InstanceReport> finalLines = new HashMap<>();
    private final Map<String, String> stepErrors = new HashMap<>();
    private Planner.Plan lastPlan;
    private int observations;

    Pass(String clusterRef, PassOptions options, Deadline deadline, Settings s) {
      this.clusterRef = clusterRef;
      this.options = options;
      this.deadline = deadline;
      this.s = s;
    }

    PassReport run() {
      try {
        cluster = ecs.describeCluster(clusterRef);
      } catch (AwsFault e) {
        return finish(PassReport.StopReason.ERROR, Optional.of(e.getMessage()));
      }
      if (!s.allowedClusters().isEmpty()
          && !s.allowedClusters().contains(cluster.name())
          && !s.allowedClusters().contains(cluster.arn())) {
        return finish(
            PassReport.StopReason.ERROR,
            Optional.of(
                "cluster '"
                    + cluster.arn()
                    + "' is not in ALLOWED_CLUSTERS ("
                    + String.join(", ", s.allowedClusters())
                    + "); add it there or invoke with an allowed cluster"));
      }
      safely(() -> listener.passStarted(cluster.arn(), runId, options.dryRun()));
      int withoutWait = 0;
      try {
        while (true) {
          if (timeLeft().compareTo(s.deadlineMargin()) <= 0) {
            return finish(PassReport.StopReason.DEADLINE, Optional.empty());
          }
          Observation o = observe();
          Planner.Plan plan = planWithData(o);
          lastPlan = plan;
          boolean changed = execute(plan, o);
          recordCheck();
          safely(listener::flush);
          if (timeLeft().compareTo(s.deadlineMargin()) <= 0) {
            return finish(PassReport.StopReason.DEADLINE, Optional.empty());
          }
          boolean waiting = awaitingReplies() || hasActiveWork(o);
          if (options.dryRun()) {
            boolean wouldChange = plan.decisions().stream().anyMatch(Decision::changesState);
            if (wouldChange || !awaitingReplies()) {
              return finish(PassReport.StopReason.PLANNED, Optional.empty());
            }
          } else if (changed && withoutWait < MAX_ITERATIONS_WITHOUT_WAIT) {
            withoutWait++;
            continue;
          } else if (!changed && !waiting) {
            return finish(PassReport.StopReason.SETTLED, Optional.empty());
          }
          withoutWait = 0;
          // Host commands answer within seconds: while one is awaited, look again sooner.
          Duration pause =
              awaitingReplies() && s.commandPollInterval().compareTo(s.pollInterval()) < 0
                  ? s.commandPollInterval()
                  : s.pollInterval();
          if (timeLeft().minus(pause).compareTo(s.deadlineMargin()) <= 0) {
            return finish(PassReport.StopReason.DEADLINE, Optional.empty());
          }
          sleeper.sleep(pause);
        }
      } catch (AwsFault e) {
        return finish(PassReport.StopReason.ERROR, Optional.of(e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return finish(PassReport.StopReason.DEADLINE, Optional.of("interrupted"));
      }
    }

    private Duration timeLeft() {
      return deadline.remaining();
    }

    // ------------------------------------------------------------ observing

    private Observation observe() {
      Instant now = clock.instant();
      // Between full listings, re-describe only the instances whose update moves by itself and
      // those this pass just changed; queued and staged ones wait for the next full listing.
      List<String> tracked =
          instances.values().stream()
              .filter(i -> touched.contains(i.arn()) || moving.contains(i.arn()))
              .map(ContainerInstance::arn)
              .toList();
      touched.clear();
      if (fullRefreshDue || !now.isBefore(lastFullRefresh.plus(FULL_REFRESH_AGE))) {
        instances.clear();
        for (ContainerInstance i : ecs.listContainerInstances(cluster.arn())) {
          instances.put(i.arn(), i);
        }
        lastFullRefresh = now;
        fullRefreshDue = false;
      } else if (!tracked.isEmpty()) {
        for (ContainerInstance i : ecs.describeContainerInstances(cluster.arn(), tracked)) {
          instances.put(i.arn(), i);
        }
      }
      observations++;
      instances.values().forEach(i -> ec2ToArn.put(i.ec2InstanceId(), i.arn()));
      List<InstanceView> views = instances.values().stream().map(InstanceView::of).toList();
      moving =
          views.stream()
              .filter(
                  v -> v.phase().filter(p -> p != Phase.QUEUED && p != Phase.STAGED).isPresent())
              .map(InstanceView::arn)
              .collect(java.util.stream.Collectors.toUnmodifiableSet());
      Map<String, HostReply> phaseReplies = new HashMap<>();
      for (InstanceView v : views) {
        Optional<PhaseRecord> r = v.record();
        if (r.isEmpty()) {
          continue;
        }
        Phase phase = r.get().phase();
        if ((phase == Phase.REBOOTING || phase == Phase.VERIFYING)
            && !v.instance().agentConnected()) {
          seenDisconnected.add(v.arn());
        }
        commandOf(phase)
            .ifPresent(
                command ->
                    r.get()
                        .commandId()
                        .ifPresent(
                            id ->
                                phaseReplies.put(v.arn(), reply(command, id, v.ec2InstanceId()))));
      }
      repliesPending = phaseReplies.values().stream().anyMatch(r -> r instanceof HostReply.Pending);
      refreshProbes();
      refreshRound(now);
      tasks = new HashMap<>();
      servicesFresh = false;
      if (!now.isBefore(servicesReadAt.plus(SERVICES_MAX_AGE))) {
        services = Optional.empty();
      }
      return observation(views, phaseReplies);
    }

    private Observation observation(List<InstanceView> views, Map<String, HostReply> phaseReplies) {
      return new Observation(
          clock.instant(),
          s,
          options,
          cluster,
          views,
          phaseReplies,
          probes,
          tasks,
          services,
          servicesFresh,
          round,
          seenDisconnected);
    }

    private HostReply reply(HostCommand command, String commandId, String ec2InstanceId) {
      HostReply known = terminalReplies.get(commandId);
      if (known != null) {
        return known;
      }
      HostReply reply = HostReply.of(command, ssm.invocation(commandId, ec2InstanceId));
      if (!(reply instanceof HostReply.Pending)) {
        terminalReplies.put(commandId, reply);
      }
      return reply;
    }

    private void refreshProbes() {
      for (Map.Entry<String, ProbeResult> e : probes.entrySet()) {
        ProbeResult p = e.getValue();
        if (!p.isDone()) {
          ContainerInstance i = instances.get(e.getKey());
          if (i != null) {
            e.setValue(
                new ProbeResult(
                    p.commandId(),
                    p.sentAt(),
                    reply(HostCommand.STATUS, p.commandId(), i.ec2InstanceId())));
          }
        }
      }
    }

    private void refreshRound(Instant now) {
      if (!(round instanceof CheckRound.Running running)) {
        return;
      }
      boolean complete = true;
      for (String id : running.commandIds()) {
        complete &= ssm.commandProgress(id).isComplete();
      }
      boolean timedOut = !now.isBefore(running.sentAt().plus(s.checkTimeout()));
      if (!complete && !timedOut) {
        return;
      }
      Map<String, HostReply> replies = new HashMap<>();
      Map<String, List<String>> byCommand = new LinkedHashMap<>();
      for (int i = 0; i < running.commandIds().size(); i++) {
        int from = i * SsmPort.MAX_TARGETS;
        int to = Math.min(from + SsmPort.MAX_TARGETS, running.instanceArns().size());
        byCommand.put(running.commandIds().get(i), running.instanceArns().subList(from, to));
      }
      for (Map.Entry<String, List<String>> e : byCommand.entrySet()) {
        List<String> ec2Ids =
            e.getValue().stream()
                .map(arn -> instances.get(arn))
                .map(i -> i == null ? "" : i.ec2InstanceId())
                .toList();
        List<CommandInvocation> invocations = ssm.invocations(e.getKey(), ec2Ids);
        for (CommandInvocation inv : invocations) {
          String arn = ec2ToArn.get(inv.instanceId());
          if (arn != null) {
            replies.put(arn, HostReply.of(HostCommand.CHECK, inv));
          }
        }
      }
      round = new CheckRound.Done(replies, now);
      // A check no host answered usefully (SSM or the hosts' network down) is not a check: the
      // next pass tries again instead of waiting a whole CHECK_INTERVAL.
      boolean anyAnswer = replies.values().stream().anyMatch(r -> r instanceof HostReply.Status);
      checkToRecord = anyAnswer ? Optional.of(running.sentAt()) : Optional.empty();
    }

    /**
     * Records the check's time on the cluster once its findings were acted on (started or queued).
     * A pass that stops in between leaves the tag alone, so the next pass checks again instead of
     * waiting a whole CHECK_INTERVAL.
     */
    private void recordCheck() {
      if (checkToRecord.isPresent() && !options.dryRun()) {
        ecs.tagCluster(
            cluster.arn(),
            Map.of(
                StateAttributes.LAST_CHECK_TAG,
                StateAttributes.encodeInstant(checkToRecord.get())));
      }
      checkToRecord = Optional.empty();
    }

    private Planner.Plan planWithData(Observation first) {
      Observation o = first;
      Planner.Plan plan = Planner.plan(o);
      for (int i = 0; i < MAX_DATA_ROUNDS && plan.needsData(); i++) {
        for (Decision d : plan.decisions()) {
          switch (d) {
            case Decision.InspectTasks it ->
                tasks.computeIfAbsent(
                    it.instance().arn(), arn -> ecs.listTasks(cluster.arn(), arn));
            case Decision.InspectServices is -> {
              if (!servicesFresh) {
                services = Optional.of(ecs.listServices(cluster.arn()));
                servicesReadAt = clock.instant();
                servicesFresh = true;
              }
            }
            default -> {}
          }
        }
        o = observation(o.instances(), o.phaseReplies());
        plan = Planner.plan(o);
      }
      return plan;
    }

    private boolean awaitingReplies() {
      return round instanceof CheckRound.Running
          || repliesPending
          || probes.values().stream().anyMatch(p -> !p.isDone());
    }

    /** Whether an update is under way that moves on by itself (not one waiting for a gate). */
    private boolean hasActiveWork(Observation o) {
      for (InstanceView v : o.instances()) {
        Optional<Phase> phase = v.phase();
        if (phase.isEmpty() || v.unreadable().isPresent()) {
          continue;
        }
        boolean stuck =
            v.failure().filter(f -> f.reason().countsAgainstBudget()).isPresent()
                && !v.instance().agentConnected();
        switch (phase.get()) {
          case STAGING, DRAINING, ACTIVATING -> {
            return true;
          }
          case REBOOTING, VERIFYING -> {
            if (!stuck) {
              return true;
            }
          }
          case QUEUED, STAGED -> {}
        }
      }
      return false;
    }

    // ------------------------------------------------------------ carrying decisions out

    /** Carries the plan out; returns whether anything in the cluster or on a host changed. */
    private boolean execute(Planner.Plan plan, Observation o) {
      boolean changed = false;
      List<Decision.Queue> queue = new ArrayList<>();
      for (Decision d : plan.decisions()) {
        if (timeLeft().compareTo(s.deadlineMargin()) <= 0) {
          // The rest waits for the next pass; so does recording the check whose findings
          // were not all acted on.
          checkToRecord = Optional.empty();
          break;
        }
        if (options.dryRun() && d.changesState()) {
          planned(d, o.now());
          continue;
        }
        if (d instanceof Decision.Queue q) {
          // Queue records are written together below, ten to a call.
          queue.add(q);
          continue;
        }
        try {
          if (d.changesState() && d instanceof Decision.ForInstance fi) {
            // A check reply describes the host before this step; never plan from it again.
            forgetCheck(fi.instance().arn());
          }
          changed |= carryOut(d, o.now());
          if (d instanceof Decision.Release rl) {
            // The instance is idle again and no longer in this pass's check: its line from the
            // release says best why it was not updated.
            plan.reports().stream()
                .filter(line -> line.containerInstanceArn().equals(rl.instance().arn()))
                .findFirst()
                .ifPresent(line -> finalLines.put(line.containerInstanceArn(), line));
          }
        } catch (AwsFault e) {
          if (!(d instanceof Decision.ForInstance fi)) {
            throw e;
          }
          String arn = fi.instance().arn();
          stepErrors.put(arn, e.getMessage());
          checkToRecord = Optional.empty();
          safely(
              () ->
                  listener.stepFailed(
                      cluster.arn(), arn, d.getClass().getSimpleName(), e.getMessage()));
          LOG.log(Level.FINE, "step failed", e);
        }
      }
      if (!queue.isEmpty() && timeLeft().compareTo(s.deadlineMargin()) > 0) {
        try {
          queue.forEach(q -> forgetCheck(q.instance().arn()));
          changed |= queueAll(queue, o.now());
        } catch (AwsFault e) {
          checkToRecord = Optional.empty();
          for (Decision.Queue q : queue) {
            stepErrors.put(q.instance().arn(), e.getMessage());
            safely(
                () ->
                    listener.stepFailed(
                        cluster.arn(), q.instance().arn(), "Queue", e.getMessage()));
          }
        }
      } else if (!queue.isEmpty()) {
        checkToRecord = Optional.empty();
      }
      return changed;
    }

    /** Records queued updates, ten attributes to a PutAttributes call. */
    private boolean queueAll(List<Decision.Queue> queue, Instant now) {
      List<EcsPort.InstanceAttribute> records = new ArrayList<>();
      List<PhaseRecord> phases = new ArrayList<>();
      for (Decision.Queue q : queue) {
        PhaseRecord r =
            new PhaseRecord(
                Phase.QUEUED,
                Optional.of(q.fromVersion()),
                Optional.of(q.targetVersion()),
                now,
                Optional.empty(),
                Optional.empty());
        phases.add(r);
        records.add(
            new EcsPort.InstanceAttribute(
                q.instance().arn(), StateAttributes.STATE, StateAttributes.encode(r)));
      }
      ecs.putAttributes(cluster.arn(), records);
      for (int i = 0; i < queue.size(); i++) {
        InstanceView v = queue.get(i).instance();
        touched.add(v.arn());
        emit(
            v,
            Transition.Kind.QUEUED,
            phases.get(i),
            Optional.empty(),
            "update found; waiting for a download slot",
            now);
      }
      return true;
    }

    private boolean carryOut(Decision d, Instant now) {
      switch (d) {
        case Decision.CheckForUpdates c -> {
          if (timeLeft().compareTo(s.deadlineMargin().plus(s.checkTimeout())) <= 0) {
            // Not enough time to collect the replies; the next pass checks.
            return false;
          }
          startRound(c.instances(), now);
          return false;
        }
        case Decision.InspectTasks it -> {
          return false;
        }
        case Decision.InspectServices is -> {
          return false;
        }
        case Decision.Probe p -> {
          String id = send(HostCommand.STATUS, p.instance());
          probes.put(
              p.instance().arn(),
              new ProbeResult(id, now, new HostReply.Pending(InvocationStatus.PENDING)));
          return false;
        }
        case Decision.Queue q -> queueAll(List.of(q), now);
        case Decision.StartStaging st -> {
          String id = send(HostCommand.PREPARE, st.instance());
          PhaseRecord r =
              new PhaseRecord(
                  Phase.STAGING,
                  st.fromVersion(),
                  st.targetVersion(),
                  now,
                  Optional.empty(),
                  Optional.of(id));
          writeRecord(st.instance(), r);
          emit(
              st.instance(),
              Transition.Kind.STAGING_STARTED,
              r,
              Optional.empty(),
              "download requested",
              now);
        }
        case Decision.MarkStaged ms -> {
          PhaseRecord r =
              new PhaseRecord(
                  Phase.STAGED,
                  ms.fromVersion()
                      .or(() -> ms.instance().record().flatMap(PhaseRecord::fromVersion)),
                  Optional.of(ms.targetVersion()),
                  now,
                  Optional.empty(),
                  Optional.empty());
          writeRecord(ms.instance(), r);
          emit(
              ms.instance(),
              Transition.Kind.STAGED,
              r,
              Optional.empty(),
              "update written to the inactive partition",
              now);
        }
        case Decision.StartDrain sd -> startDrain(sd.instance(), now);
        case Decision.RevertToStaged rv -> {
          PhaseRecord old = rv.instance().record().orElseThrow();
          PhaseRecord r =
              new PhaseRecord(
                  Phase.STAGED,
                  old.fromVersion(),
                  old.targetVersion(),
                  now,
                  Optional.empty(),
                  Optional.empty());
          writeRecord(rv.instance(), r);
          emit(
              rv.instance(),
              Transition.Kind.DRAIN_REVERTED,
              r,
              Optional.of(rv.reason().name()),
              rv.reason().explanation(),
              now);
        }
        case Decision.Activate a ->
            advance(
                a.instance(),
                HostCommand.ACTIVATE,
                Phase.ACTIVATING,
                Transition.Kind.ACTIVATION_STARTED,
                "drained; activating the update",
                now);
        case Decision.Reboot rb ->
            advance(
                rb.instance(),
                HostCommand.REBOOT,
                Phase.REBOOTING,
                Transition.Kind.REBOOT_SENT,
                "update Ready; reboot sent",
                now);
        case Decision.Verify vf -> {
          seenDisconnected.remove(vf.instance().arn());
          advance(
              vf.instance(),
              HostCommand.CHECK,
              Phase.VERIFYING,
              Transition.Kind.VERIFICATION_STARTED,
              "agent reconnected; reading the running version",
              now);
        }
        case Decision.Resend rs -> resend(rs.instance(), now);
        case Decision.Complete c -> complete(c, now);
        case Decision.Fail f -> fail(f, now);
        case Decision.Release rl -> {
          deleteAttributes(rl.instance(), List.of(StateAttributes.STATE));
          PhaseRecord old = rl.instance().record().orElseThrow();
          transition(
              rl.instance(),
              Transition.Kind.RELEASED,
              Optional.empty(),
              old,
              Optional.of(rl.reason().name()),
              rl.detail(),
              Optional.empty(),
              now);
        }
      }
      if (d instanceof Decision.ForInstance fi) {
        touched.add(fi.instance().arn());
      }
      // A freed slot or a newly staged instance may start a drain next: that decision needs
      // every instance's free room, so list the whole cluster again.
      fullRefreshDue |=
          d instanceof Decision.MarkStaged
              || d instanceof Decision.Complete
              || d instanceof Decision.Fail
              || d instanceof Decision.Release
              || d instanceof Decision.RevertToStaged;
      return true;
    }

    private void forgetCheck(String arn) {
      if (round instanceof CheckRound.Done done && done.replies().containsKey(arn)) {
        Map<String, HostReply> rest = new HashMap<>(done.replies());
        rest.remove(arn);
        round = new CheckRound.Done(rest, done.finishedAt());
      }
    }

    private void startRound(List<InstanceView> checkable, Instant now) {
      List<String> commandIds = new ArrayList<>();
      List<String> arns = new ArrayList<>();
      List<InstanceView> withIds =
          checkable.stream().filter(v -> !v.ec2InstanceId().isEmpty()).toList();
      for (int from = 0; from < withIds.size(); from += SsmPort.MAX_TARGETS) {
        List<InstanceView> batch =
            withIds.subList(from, Math.min(from + SsmPort.MAX_TARGETS, withIds.size()));
        commandIds.add(
            ssm.sendCommand(
                HostCommand.CHECK,
                batch.stream().map(InstanceView::ec2InstanceId).toList(),
                comment()));
        batch.forEach(v -> arns.add(v.arn()));
      }
      round =
          commandIds.isEmpty()
              ? new CheckRound.Done(Map.of(), now)
              : new CheckRound.Running(commandIds, arns, now);
    }

    private void startDrain(InstanceView v, Instant now) {
      PhaseRecord old = v.record().orElseThrow();
      PhaseRecord r = old.next(Phase.DRAINING, now, Optional.empty());
      if (old.phase() == Phase.DRAINING) {
        // Re-applying a drain that was recorded but not applied: keep its start.
        r = old;
      }
      writeRecord(v, r);
      // One instance per call, so any refusal is this instance's (ECS may name it by a short ARN).
      Map<String, String> refused =
          ecs.updateInstancesState(cluster.arn(), List.of(v.arn()), InstanceStatus.DRAINING);
      if (!refused.isEmpty()) {
        fail(
            new Decision.Fail(
                v.withRecord(Optional.of(r)),
                FailureReason.DRAIN_REFUSED,
                "ECS answered " + String.join(", ", refused.values()),
                Decision.Undo.NOTHING),
            now);
        return;
      }
      emit(v, Transition.Kind.DRAIN_STARTED, r, Optional.empty(), "instance set DRAINING", now);
    }

    private void advance(
        InstanceView v,
        HostCommand command,
        Phase next,
        Transition.Kind kind,
        String detail,
        Instant now) {
      String id = send(command, v);
      PhaseRecord old = v.record().orElseThrow();
      PhaseRecord r = old.next(next, now, Optional.of(id));
      writeRecord(v, r);
      emit(v, kind, r, Optional.empty(), detail, now);
    }

    private void resend(InstanceView v, Instant now) {
      PhaseRecord old = v.record().orElseThrow();
      HostCommand command =
          commandOf(old.phase())
              .orElseThrow(() -> new IllegalStateException("nothing to resend in " + old.phase()));
      String id = send(command, v);
      PhaseRecord r =
          new PhaseRecord(
              old.phase(),
              old.fromVersion(),
              old.targetVersion(),
              old.since(),
              old.outOfServiceSince(),
              Optional.of(id));
      writeRecord(v, r);
      probes.remove(v.arn());
      emit(
          v,
          Transition.Kind.COMMAND_RESENT,
          r,
          Optional.empty(),
          command.name() + " sent again",
          now);
    }

    private void complete(Decision.Complete c, Instant now) {
      InstanceView v = c.instance();
      PhaseRecord old = v.record().orElseThrow();
      Map<String, String> refused =
          ecs.updateInstancesState(cluster.arn(), List.of(v.arn()), InstanceStatus.ACTIVE);
      // An instance deregistered meanwhile (INACTIVE) is done; anything else is retried next pass.
      if (refused.values().stream().anyMatch(reason -> !reason.contains("INACTIVE"))) {
        throw new AwsFault(
            AwsFault.Kind.INVALID_REQUEST,
            "ecs:UpdateContainerInstancesState",
            "could not set " + v.arn() + " ACTIVE: " + String.join(", ", refused.values()),
            null);
      }
      List<String> delete = new ArrayList<>(List.of(StateAttributes.STATE));
      if (v.failure().filter(f -> !f.reason().countsAgainstBudget()).isPresent()) {
        delete.add(StateAttributes.FAILURE);
      }
      deleteAttributes(v, delete);
      Optional<Duration> out = old.outOfServiceSince().map(t -> Duration.between(t, now));
      Transition t =
          transition(
              v,
              Transition.Kind.UPDATED,
              Optional.empty(),
              old,
              Optional.empty(),
              "running " + c.runningVersion(),
              out,
              now);
      finalLines.put(
          v.arn(),
          new InstanceReport(
              v.arn(),
              v.ec2InstanceId(),
              InstanceStatus.ACTIVE.name(),
              v.instance().variant(),
              Optional.of(c.runningVersion()),
              Optional.empty(),
              Optional.empty(),
              Outcome.UPDATED,
              Optional.empty(),
              "updated from "
                  + old.fromVersion().orElse("?")
                  + " to "
                  + c.runningVersion()
                  + t.outOfService().map(d -> "; out of service " + Durations.format(d)).orElse(""),
              "checked again after CHECK_INTERVAL"));
    }

    private void fail(Decision.Fail f, Instant now) {
      InstanceView v = f.instance();
      PhaseRecord old = v.record().orElseThrow();
      int count = v.failure().map(x -> x.count() + 1).orElse(1);
      FailureRecord record =
          new FailureRecord(f.reason(), old.phase(), old.targetVersion(), now, count);
      ecs.putAttributes(
          cluster.arn(),
          List.of(
              new EcsPort.InstanceAttribute(
                  v.arn(), StateAttributes.FAILURE, StateAttributes.encode(record))));
      if (f.cancelActivation()) {
        try {
          send(HostCommand.CANCEL, v);
        } catch (AwsFault e) {
          // The instance is still recorded as failed; an unplanned reboot would boot the new
          // version, which is what the update wanted anyway.
          safely(() -> listener.stepFailed(cluster.arn(), v.arn(), "Cancel", e.getMessage()));
        }
      }
      boolean drainedByUs = old.phase().isOutOfService();
      if (f.reactivate() && drainedByUs && v.instance().status() == InstanceStatus.DRAINING) {
        ecs.updateInstancesState(cluster.arn(), List.of(v.arn()), InstanceStatus.ACTIVE);
      }
      if (!f.keepRecord()) {
        deleteAttributes(v, List.of(StateAttributes.STATE));
      }
      Optional<Duration> out =
          f.reactivate()
              ? old.outOfServiceSince().map(t -> Duration.between(t, now))
              : Optional.empty();
      transition(
          v,
          Transition.Kind.FAILED,
          f.keepRecord() ? Optional.of(old.phase()) : Optional.empty(),
          old,
          Optional.of(f.reason().name()),
          f.detail(),
          out,
          now);
      String next =
          f.reason().countsAgainstBudget()
              ? "counts against FAILURE_BUDGET until an operator deletes " + StateAttributes.FAILURE
              : "tried again after " + record.retryAfter(s.retryBackoff(), s.retryBackoffMax());
      finalLines.put(
          v.arn(),
          new InstanceReport(
              v.arn(),
              v.ec2InstanceId(),
              (f.reactivate() && drainedByUs ? InstanceStatus.ACTIVE : v.instance().status())
                  .name(),
              v.instance().variant(),
              old.fromVersion(),
              old.targetVersion(),
              f.keepRecord() ? Optional.of(old.phase()) : Optional.empty(),
              Outcome.FAILED,
              Optional.of(f.reason().name()),
              f.reason().summary() + ": " + f.detail(),
              next));
    }

    private String send(HostCommand command, InstanceView v) {
      if (v.ec2InstanceId().isEmpty()) {
        throw new AwsFault(
            AwsFault.Kind.INVALID_REQUEST,
            "ssm:SendCommand",
            "container instance " + v.arn() + " has no EC2 instance id",
            null);
      }
      return ssm.sendCommand(command, List.of(v.ec2InstanceId()), comment());
    }

    private String comment() {
      String c = "bottlerocket-ecs-updater " + cluster.name() + " " + runId;
      return c.length() <= 100 ? c : c.substring(0, 100);
    }

    private void writeRecord(InstanceView v, PhaseRecord r) {
      ecs.putAttributes(
          cluster.arn(),
          List.of(
              new EcsPort.InstanceAttribute(
                  v.arn(), StateAttributes.STATE, StateAttributes.encode(r))));
    }

    private void deleteAttributes(InstanceView v, List<String> names) {
      ecs.deleteAttributes(
          cluster.arn(),
          names.stream().map(n -> new EcsPort.InstanceAttribute(v.arn(), n, null)).toList());
    }

    // ------------------------------------------------------------ reporting

    private void planned(Decision d, Instant now) {
      if (!(d instanceof Decision.ForInstance fi)) {
        return;
      }
      InstanceView v = fi.instance();
      Optional<Phase> from = v.phase();
      PhaseRecord base =
          v.record()
              .orElse(
                  new PhaseRecord(
                      Phase.QUEUED,
                      Optional.empty(),
                      Optional.empty(),
                      now,
                      Optional.empty(),
                      Optional.empty()));
      Transition.Kind kind;
      Optional<Phase> to;
      Optional<String> reason = Optional.empty();
      String detail;
      switch (d) {
        case Decision.Queue q -> {
          kind = Transition.Kind.QUEUED;
          to = Optional.of(Phase.QUEUED);
          base = base.withVersions(Optional.of(q.fromVersion()), Optional.of(q.targetVersion()));
          detail = "would queue the update";
        }
        case Decision.StartStaging st -> {
          kind = Transition.Kind.STAGING_STARTED;
          to = Optional.of(Phase.STAGING);
          base = base.withVersions(st.fromVersion(), st.targetVersion());
          detail = "would start the download";
        }
        case Decision.MarkStaged ms -> {
          kind = Transition.Kind.STAGED;
          to = Optional.of(Phase.STAGED);
          base = base.withVersions(ms.fromVersion(), Optional.of(ms.targetVersion()));
          detail = "would record the staged update";
        }
        case Decision.StartDrain sd -> {
          kind = Transition.Kind.DRAIN_STARTED;
          to = Optional.of(Phase.DRAINING);
          detail = "would set the instance DRAINING";
        }
        case Decision.RevertToStaged rv -> {
          kind = Transition.Kind.DRAIN_REVERTED;
          to = Optional.of(Phase.STAGED);
          reason = Optional.of(rv.reason().name());
          detail = "would return to staged";
        }
        case Decision.Activate a -> {
          kind = Transition.Kind.ACTIVATION_STARTED;
          to = Optional.of(Phase.ACTIVATING);
          detail = "would activate the update";
        }
        case Decision.Reboot rb -> {
          kind = Transition.Kind.REBOOT_SENT;
          to = Optional.of(Phase.REBOOTING);
          detail = "would reboot";
        }
        case Decision.Verify vf -> {
          kind = Transition.Kind.VERIFICATION_STARTED;
          to = Optional.of(Phase.VERIFYING);
          detail = "would read the running version";
        }
        case Decision.Resend rs -> {
          kind = Transition.Kind.COMMAND_RESENT;
          to = from;
          detail = "would send the step's command again";
        }
        case Decision.Complete c -> {
          kind = Transition.Kind.UPDATED;
          to = Optional.empty();
          detail = "would set ACTIVE: running " + c.runningVersion();
        }
        case Decision.Fail f -> {
          kind = Transition.Kind.FAILED;
          to = f.keepRecord() ? from : Optional.empty();
          reason = Optional.of(f.reason().name());
          detail = "would record the failure: " + f.detail();
        }
        case Decision.Release rl -> {
          kind = Transition.Kind.RELEASED;
          to = Optional.empty();
          reason = Optional.of(rl.reason().name());
          detail = "would remove the record: " + rl.detail();
        }
        default -> {
          return;
        }
      }
      transition(v, kind, to, base, reason, detail, Optional.empty(), now);
    }

    /** Reports a change that leaves the instance in the phase of {@code to}. */
    private void emit(
        InstanceView v,
        Transition.Kind kind,
        PhaseRecord to,
        Optional<String> reason,
        String detail,
        Instant now) {
      transition(v, kind, Optional.of(to.phase()), to, reason, detail, Optional.empty(), now);
    }

    /** Reports a change to {@code v}, which leaves the phase it was observed in. */
    private Transition transition(
        InstanceView v,
        Transition.Kind kind,
        Optional<Phase> to,
        PhaseRecord versions,
        Optional<String> reason,
        String detail,
        Optional<Duration> outOfService,
        Instant now) {
      Optional<Phase> from = v.phase();
      Optional<Duration> inPhase =
          from.isPresent() && !options.dryRun()
              ? v.record().map(r -> Duration.between(r.since(), now))
              : Optional.empty();
      Transition t =
          new Transition(
              now,
              cluster.arn(),
              v.arn(),
              v.ec2InstanceId(),
              kind,
              from,
              to,
              versions.fromVersion(),
              versions.targetVersion(),
              reason,
              detail,
              outOfService,
              inPhase);
      transitions.add(t);
      safely(() -> listener.transition(t));
      return t;
    }

    private PassReport finish(PassReport.StopReason stop, Optional<String> error) {
      List<InstanceReport> lines = new ArrayList<>();
      if (lastPlan != null) {
        for (InstanceReport line : lastPlan.reports()) {
          InstanceReport terminal = finalLines.get(line.containerInstanceArn());
          if (terminal != null
              && (line.outcome() == Outcome.NOT_CHECKED
                  || line.outcome() == Outcome.SKIPPED
                  || line.outcome() == Outcome.UP_TO_DATE)) {
            line = terminal;
          }
          String stepError = stepErrors.get(line.containerInstanceArn());
          if (stepError != null) {
            line =
                new InstanceReport(
                    line.containerInstanceArn(),
                    line.ec2InstanceId(),
                    line.ecsStatus(),
                    line.variant(),
                    line.runningVersion(),
                    line.targetVersion(),
                    line.phase(),
                    line.outcome(),
                    line.reason(),
                    (line.detail() + "; last step failed: " + stepError).strip(),
                    line.next());
          }
          lines.add(line);
        }
      }
      PassReport report =
          new PassReport(
              cluster == null ? clusterRef : cluster.arn(),
              runId,
              options.dryRun(),
              startedAt,
              clock.instant(),
              stop,
              observations,
              lastPlan == null ? Optional.empty() : Optional.of(lastPlan.cluster()),
              lines,
              transitions,
              error);
      safely(() -> listener.passFinished(report));
      return report;
    }
  }

  /** The command a phase record's command id refers to, for phases that wait on one. */
  static Optional<HostCommand> commandOf(Phase phase) {
    return switch (phase) {
      case STAGING -> Optional.of(HostCommand.PREPARE);
      case ACTIVATING -> Optional.of(HostCommand.ACTIVATE);
      case VERIFYING -> Optional.of(HostCommand.CHECK);
      case QUEUED, STAGED, DRAINING, REBOOTING -> Optional.empty();
    };
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a pass listener failed; ignored", e);
    }
  }
}
