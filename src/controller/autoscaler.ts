// The autoscaling loop of the control plane (ARCHITECTURE.md, data flow 2): every tick
// (10 s by default) and for each deployment that may scale (minReplicas < maxReplicas):
//   1. fold the gateway's request counter into the 1-minute load series in the store
//      (load-folder.ts);
//   2. refit the forecast from the stored history when it is due (every 15 minutes) and
//      store it;
//   3. hand the observations, the cached forecast and the planner's memory to the pure
//      planner (capacity/planner.ts `decide`);
//   4. persist the decision, the planner's memory and (when the count changes) the new
//      desired replicas in one transaction, then scale the target.
//
// Time comes from the injected Clock and Scheduler; `tick()` is public so tests drive the
// loop one step at a time under a manual clock. Decisions that change nothing are stored at
// most once a minute (enough for `rollcast explain`, without a row every 10 s); the planner's
// memory is written with them, so a restart forgets at most a minute of it.
//
// The forecast fit runs on the event loop (≈ 0.1–0.5 s for 14 days of minutes, every 15
// minutes per deployment): a pause the gateway's queues absorb, noted here in case many
// deployments make it worth moving to a worker thread.

import { decide, initialPlannerState, type PlannerState } from '../capacity/planner.js';
import type { ForecastEngines } from '../forecast/engines.js';
import { forecast, quantileKey } from '../forecast/forecast.js';
import { seriesEnd } from '../forecast/series.js';
import { formatSpecIssues, validateDeploymentObject, type ModelDeployment, type ScalingSpec } from '../spec/index.js';
import { formatDuration } from '../spec/duration.js';
import { millis, type RevisionId } from '../spec/units.js';
import { NotFoundError, type Deployment, type Store } from '../store/index.js';
import type { LoadSample } from '../serving/gateway.js';
import { HISTORY_STEP_MS, type DecisionRecord, type HistoryImport, type HistoryImportResult, type StoredForecastView } from '../api/autoscaling-views.js';
import type { ReplicaStatus } from '../targets/target.js';
import type { CpuSampler } from '../targets/local/process-cpu.js';
import type { Cancel, Clock, Scheduler } from './clock.js';
import { LoadFolder, MINUTE_MS } from './load-folder.js';
import { describePeriods, importToMinutes, loadSeries } from './autoscaling-history.js';

export const DEFAULT_TICK_MS = 10_000;
export const DEFAULT_REFIT_EVERY_MS = 15 * MINUTE_MS;
/** Unchanged decisions are recorded at most this often. */
const RECORD_EVERY_MS = MINUTE_MS;
/** Warm-up times remembered per deployment for the p95 (the most recent ones). */
const WARMUPS_KEPT = 20;
const PRUNE_EVERY_MS = 60 * MINUTE_MS;
/** Folded minutes kept for the next tick when the store refuses a write (an hour of them). */
const UNWRITTEN_KEPT = 60;
/** Quantiles every stored forecast carries besides the spec's own. */
const SHOWN_QUANTILES = [0.5, 0.9, 0.95, 0.99];

export interface AutoscalerDeps {
  store: Store;
  /** The gateway's counters. */
  load: { loadSample(deployment: string): LoadSample | undefined };
  /** The target's replicas (warm-up times, pids for CPU). */
  replicas: { status(): Promise<ReplicaStatus[]> };
  /**
   * Brings the target to the desired count just recorded (the control plane, serialized with
   * applies and scales; it reads the count from the store, so a scale queued ahead wins).
   */
  scaler: { applyReplicas(deployment: string, replicas: number): Promise<void> };
  clock: Clock;
  scheduler: Scheduler;
  engines?: ForecastEngines;
  cpu?: CpuSampler;
  tickMs?: number;
  refitEveryMs?: number;
  /** Demo mode: the controller clock runs this many times faster than real time (rates stay per real second). */
  speedup?: number;
  /** Called with errors of a background tick (the loop goes on). */
  onError?: (err: unknown) => void;
}

/** Why there is no forecast for a deployment yet, kept for `rollcast forecast NAME`. */
export interface ForecastStatus {
  why?: string;
  /** Controller time of the last fit attempt. */
  attemptedAt?: number;
}

interface DeploymentLoop {
  revision: RevisionId;
  spec: ModelDeployment;
  folder: LoadFolder;
  planner: PlannerState;
  lastRecordedAt?: number;
  forecast?: StoredForecastView;
  forecastStatus: ForecastStatus;
  warmups: Map<string, number>;
  /** The desired count after this loop's last tick; another value means someone else set it. */
  lastDesired?: number;
  /** Folded minutes a failed store write did not take, written with the next ones (bounded). */
  unwritten: { ts: number; value: number }[];
}

export class Autoscaler {
  readonly #d: AutoscalerDeps;
  readonly tickMs: number;
  readonly refitEveryMs: number;
  readonly speedup: number;
  readonly #loops = new Map<string, DeploymentLoop>();
  #cancel: Cancel | undefined;
  #running: Promise<void> | undefined;
  #lastPruneAt: number | undefined;

  constructor(deps: AutoscalerDeps) {
    this.#d = deps;
    this.tickMs = deps.tickMs ?? DEFAULT_TICK_MS;
    this.refitEveryMs = deps.refitEveryMs ?? DEFAULT_REFIT_EVERY_MS;
    this.speedup = deps.speedup ?? 1;
  }

  /** The controller clock's now (epoch ms; faster than real time in demo mode). */
  now(): number {
    return this.#d.clock.now();
  }

  /** Starts ticking every tickMs (controller time). */
  start(): void {
    if (this.#cancel) return;
    const loop = (): void => {
      this.#cancel = this.#d.scheduler.after(this.tickMs, () => {
        // A tick still running (a slow forecast fit) is not overlapped: this one is skipped.
        if (!this.#running) {
          this.#running = this.tick()
            .catch((err: unknown) => this.#d.onError?.(err))
            .finally(() => {
              this.#running = undefined;
            });
        }
        loop();
      });
    };
    loop();
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    await this.#running;
  }

  /** One pass over every deployment. */
  async tick(): Promise<void> {
    const now = this.#d.clock.now();
    const deployments = this.#d.store.listDeployments();
    const live = new Set(deployments.map((d) => d.name));
    for (const name of this.#loops.keys()) if (!live.has(name)) this.#loops.delete(name);
    const statuses = await this.#d.replicas.status();
    for (const { name } of deployments) {
      try {
        // Read again after the awaits above (the target's status, the previous deployment's
        // scale, which waits behind applies): a `rollcast scale` or an apply that landed
        // meanwhile must be what this decision starts from, or recordDecision would overwrite
        // it with a count decided from the old one. From here to recordDecision nothing awaits.
        const deployment = this.#d.store.getDeployment(name);
        if (deployment.status === 'deleted') continue;
        await this.#tickOne(deployment, now, statuses);
      } catch (err) {
        this.#d.onError?.(err);
      }
    }
    if (this.#lastPruneAt === undefined || now - this.#lastPruneAt >= PRUNE_EVERY_MS) {
      this.#lastPruneAt = now;
      this.#prune(now);
    }
  }

  /** `PUT …/history`: the deployment must exist; the points replace stored ones in their range. */
  importHistory(name: string, body: HistoryImport): HistoryImportResult {
    const deployment = this.#d.store.getDeployment(name);
    if (deployment.status === 'deleted') throw new NotFoundError('deployment', name, 'it was deleted');
    const points = importToMinutes(body, this.#d.clock.now());
    const shiftMs = body.shiftMs ?? 0;
    const result = this.#d.store.importHistory({
      deployment: name,
      points,
      record: { shiftMs, stepMs: body.stepMs, ...(body.source !== undefined && { source: body.source }) },
    });
    // The next tick refits from the new history instead of waiting out the refit interval.
    const loop = this.#loops.get(name);
    if (loop) loop.forecastStatus = {};
    return { deployment: name, imported: result.imported, from: result.from, to: result.to, stepMs: HISTORY_STEP_MS, shiftMs };
  }

  /** `GET …/decisions`: the latest decisions, oldest first. */
  decisions(name: string, limit: number | undefined, changedOnly: boolean): DecisionRecord[] {
    this.#d.store.getDeployment(name);
    return this.#d.store.listDecisions(name, { ...(limit !== undefined && { limit }), changedOnly }).map((d) => {
      const body = d.body as unknown as Pick<DecisionRecord, 'decision' | 'observed'>;
      return { id: d.id, ts: d.ts, deployment: d.deployment, previous: d.previous, decision: body.decision, observed: body.observed };
    });
  }

  /**
   * The forecast the planner is using for a deployment, or why there is none. The store's
   * latest is shown only before the loop has looked at the deployment (just started, or
   * `--no-autoscale`): once it has, the stored one may predate a spec change (another
   * quantile, predictive mode Off) or a failed refit, and is not what the planner sees.
   */
  forecastOf(name: string): { forecast: StoredForecastView | null; why?: string } {
    const loop = this.#loops.get(name);
    if (loop?.forecast) return { forecast: loop.forecast };
    const stored = loop === undefined ? this.#d.store.latestForecast(name) : undefined;
    if (stored) return { forecast: stored.body as unknown as StoredForecastView };
    const spec = loop?.spec.spec.scaling;
    if (spec && spec.minReplicas === spec.maxReplicas) return { forecast: null, why: `${name} has minReplicas = maxReplicas = ${spec.minReplicas}: it does not scale, so nothing is forecast` };
    if (spec?.predictive.mode === 'Off') return { forecast: null, why: `spec.scaling.predictive.mode is Off for ${name}: nothing is forecast` };
    return { forecast: null, why: loop?.forecastStatus.why ?? `no forecast for ${name} yet: the controller fits one within ${formatDuration(this.tickMs)} of a deployment starting, then every ${formatDuration(this.refitEveryMs)}` };
  }

  async #tickOne(deployment: Deployment, now: number, statuses: ReplicaStatus[]): Promise<void> {
    const loop = this.#loopFor(deployment);
    const scaling = loop.spec.spec.scaling;
    const sample = this.#d.load.loadSample(deployment.name);
    if (sample === undefined) return; // not routed yet (starting)
    const byConcurrency = scaling.target.metric === 'concurrency';

    // 1. The load series.
    // The folder hands each completed minute out once: when the store refuses the write (a
    // busy or full disk), the minutes wait for the next tick instead of being lost.
    const minutes = loop.folder.add(now, sample.arrivals, sample.inFlight + sample.queued);
    const points = [...loop.unwritten, ...minutes.map((m) => ({ ts: m.start, value: byConcurrency ? m.concurrency : m.rps }))];
    if (points.length > 0) {
      try {
        this.#d.store.writeLoadPoints(deployment.name, points);
        loop.unwritten = [];
      } catch (err) {
        loop.unwritten = points.slice(-UNWRITTEN_KEPT);
        throw err;
      }
    }
    if (scaling.minReplicas === scaling.maxReplicas) return;

    // A count the autoscaler did not choose (the first apply, a restart with no stored
    // memory, `rollcast scale`) enters the stabilization window as a recommendation, so it
    // is held for the scale-down window instead of being undone on the next tick — the
    // user's choice stands until the load has been lower for that long.
    // Seeded once per change: the ticks below may return before deciding (no CPU reading
    // yet), and seeding on each of them would extend the hold and grow the list every tick.
    if (loop.lastDesired !== deployment.desiredReplicas) {
      loop.planner = { ...loop.planner, recommendations: [...loop.planner.recommendations, { at: millis(now), replicas: deployment.desiredReplicas }] };
      loop.lastDesired = deployment.desiredReplicas;
    }

    // A memory from later than now — the clock went back: a demo control plane restarted
    // (its fast clock starts again at the real now, hours behind what it stored), or the wall
    // clock stepped — would hold cooldowns and burst mode until the clock catches up with it,
    // which at speedup 120 is an hour of real time per 5 days it ran. Such a memory is
    // dropped, keeping only the CPU model (its sums hold no time); the current count is held
    // for the scale-down window, as after a restart with no memory.
    if (latestInstant(loop.planner) > now) {
      loop.planner = { ...initialPlannerState(), cpu: loop.planner.cpu, recommendations: [{ at: millis(now), replicas: deployment.desiredReplicas }] };
    }

    // Warm-up times of this deployment's replicas (any revision: the same model and host).
    const mine = statuses.filter((r) => ownRevision(deployment.name, r.revisionId));
    for (const r of mine) {
      if (r.warmUpMs !== undefined && !loop.warmups.has(r.replicaId)) {
        loop.warmups.set(r.replicaId, r.warmUpMs * this.speedup);
        if (loop.warmups.size > WARMUPS_KEPT) loop.warmups.delete(loop.warmups.keys().next().value as string);
      }
    }

    // 2. The forecast.
    if (scaling.predictive.mode !== 'Off' && !within(loop.forecastStatus.attemptedAt, now, this.refitEveryMs)) {
      try {
        this.#refit(deployment.name, loop, now);
      } catch (err) {
        // A failed fit (the store unreadable, a bug in a model) must not cost the tick its
        // decision: the planner goes on with the forecast it had, `rollcast forecast` says why.
        loop.forecastStatus.why = `the last forecast fit for ${deployment.name} failed: ${err instanceof Error ? err.message : String(err)}`;
        this.#d.onError?.(err);
      }
    }

    // 3. Decide.
    const rate = loop.folder.recentRate();
    let observedLoad = this.#observedLoad(scaling, loop, sample, mine);
    // What the planner is told is ready. For `cpu` with no reading (not Linux, or workers too
    // new for two /proc readings) it is 0: the reactive part then holds the current count and
    // says so in its reason ("no ready replica reports CPU"), while the forecast still acts.
    let plannerReady = sample.ready;
    if (observedLoad === undefined) {
      if (scaling.target.metric !== 'cpu' || rate === undefined) return; // before the second tick: nothing measured yet
      observedLoad = 0;
      plannerReady = 0;
    }
    const q = loop.forecast?.quantiles[quantileKey(scaling.predictive.quantile)];
    const previous = deployment.desiredReplicas;
    const { decision, state } = decide(
      {
        spec: scaling,
        now: millis(now),
        tickMs: this.tickMs,
        observed: { load: observedLoad, readyReplicas: plannerReady, currentReplicas: previous, ...(rate !== undefined && { rps: rate }) },
        ...(loop.forecast && q && { forecast: { start: millis(loop.forecast.start), stepMs: loop.forecast.stepMs, values: q } }),
        ...(loop.warmups.size > 0 && { warmupP95Ms: p95([...loop.warmups.values()]) }),
      },
      loop.planner,
    );

    // 4. Record, and act. The planner's new memory is kept only once the decision it belongs
    // to is stored: were the write to fail after a scale-up was decided, a memory saying
    // "scaled up now" would hold the next tick's retry back by the scale-up cooldown.
    if (!decision.changed && within(loop.lastRecordedAt, now, RECORD_EVERY_MS)) {
      loop.planner = state;
      loop.lastDesired = previous;
      return;
    }
    const observed = { load: observedLoad, readyReplicas: sample.ready, currentReplicas: previous, ...(rate !== undefined && { rps: rate }) };
    const { decision: stored } = this.#d.store.recordDecision({
      deployment: deployment.name,
      previous,
      replicas: decision.replicas,
      act: true,
      body: { decision, observed },
      plannerState: state as unknown as Record<string, unknown>,
      reason: `autoscaler: ${decision.because.map((b) => b.source).filter((s, i, all) => all.indexOf(s) === i).join(', ')}`,
    });
    loop.planner = state;
    loop.lastRecordedAt = now;
    loop.lastDesired = stored.changed ? decision.replicas : previous;
    if (stored.changed) await this.#d.scaler.applyReplicas(deployment.name, decision.replicas);
  }

  /** Load in the spec metric: req/s over the last minute, mean concurrency, or mean CPU % per ready replica. */
  #observedLoad(scaling: ScalingSpec, loop: DeploymentLoop, sample: LoadSample, mine: ReplicaStatus[]): number | undefined {
    switch (scaling.target.metric) {
      case 'rps':
        return loop.folder.recentRate();
      case 'concurrency':
        return loop.folder.recentConcurrency();
      case 'cpu': {
        const pids = mine.filter((r) => r.phase === 'ready' && r.pid !== undefined).map((r) => r.pid as number);
        return this.#d.cpu?.sample(pids);
      }
    }
  }

  #loopFor(deployment: Deployment): DeploymentLoop {
    const existing = this.#loops.get(deployment.name);
    if (existing && existing.revision === deployment.activeRevision) return existing;
    const checked = validateDeploymentObject(deployment.spec);
    if (!checked.ok) throw new Error(`stored spec of ${deployment.activeRevision} no longer validates:\n${formatSpecIssues(checked.issues)}`);
    const stored = this.#d.store.plannerState(deployment.name);
    const loop: DeploymentLoop = {
      revision: deployment.activeRevision,
      spec: checked.spec,
      folder: existing?.folder ?? new LoadFolder(this.speedup),
      // A new revision keeps the planner's memory: the load did not change with the model.
      planner: existing?.planner ?? (isPlannerState(stored) ? stored : initialPlannerState()),
      forecastStatus: {},
      warmups: existing?.warmups ?? new Map<string, number>(),
      unwritten: existing?.unwritten ?? [],
      ...(existing?.lastRecordedAt !== undefined && { lastRecordedAt: existing.lastRecordedAt }),
      ...(existing?.lastDesired !== undefined && { lastDesired: existing.lastDesired }),
    };
    this.#loops.set(deployment.name, loop);
    return loop;
  }

  #refit(name: string, loop: DeploymentLoop, now: number): void {
    const predictive = loop.spec.spec.scaling.predictive;
    loop.forecastStatus = { attemptedAt: now };
    // History up to the last complete minute (the one in progress would read low), exactly
    // `history` long: 14 days must give the 20 160 minutes a weekly period needs, not one fewer.
    const end = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const series = loadSeries(this.#d.store, name, end - predictive.historyMs, end);
    if (series.values.length === 0) {
      loop.forecastStatus.why = `no load history for ${name} yet: it is recorded minute by minute as requests arrive, or imported with \`rollcast import history ${name} --csv FILE\``;
      return;
    }
    const quantiles = [...new Set([...SHOWN_QUANTILES, predictive.quantile])].sort((a, b) => a - b);
    const outcome = forecast({
      series,
      // From the last stored minute to now + horizon: history that ends a while ago (an
      // import, a stopped controller) still gives a forecast that covers the time ahead.
      horizonSteps: Math.max(1, Math.ceil((now + predictive.horizonMs - seriesEnd(series)) / series.stepMs)),
      quantiles,
      nonNegative: true,
      ...(this.#d.engines && { engines: this.#d.engines }),
    });
    if (!outcome.ok) {
      loop.forecastStatus.why = `not enough load history for ${name} to forecast: ${outcome.insufficient.message}`;
      return;
    }
    const f = outcome.forecast;
    const view: StoredForecastView = {
      madeAt: now,
      start: f.start,
      stepMs: f.stepMs,
      mean: [...f.mean],
      quantiles: Object.fromEntries(Object.entries(f.quantiles).map(([k, v]) => [k, [...v]])),
      quantile: predictive.quantile,
      model: f.model,
      periods: describePeriods(f.periods, f.stepMs),
      historyPoints: series.values.filter((v) => !Number.isNaN(v)).length,
      notes: [...f.notes],
    };
    loop.forecast = view;
    this.#d.store.saveForecast(name, now, view as unknown as Record<string, unknown>);
  }

  #prune(now: number): void {
    const longestHistory = Math.max(
      14 * 24 * 60 * MINUTE_MS,
      ...[...this.#loops.values()].map((l) => l.spec.spec.scaling.predictive.historyMs as number),
    );
    this.#d.store.pruneAutoscaling({
      pointsBefore: now - longestHistory - 24 * 60 * MINUTE_MS,
      decisionsBefore: now - 2 * 24 * 60 * MINUTE_MS,
      forecastsBefore: now - 24 * 60 * MINUTE_MS,
    });
  }
}

/**
 * Whether `now` is less than `everyMs` after `last` on the controller clock. A clock that went
 * back (a demo clock restarted, the wall clock stepped) counts as due, not as a wait until
 * it catches up with `last` — at speedup 120 a 1-minute step back would be 2 hours.
 */
function within(last: number | undefined, now: number, everyMs: number): boolean {
  return last !== undefined && now >= last && now - last < everyMs;
}

/** The latest instant a planner memory mentions: its last actions, burst mode, its stabilization history. */
function latestInstant(s: PlannerState): number {
  let latest = Math.max(s.lastScaleUpAt ?? -Infinity, s.lastScaleDownAt ?? -Infinity, s.burst?.lastAboveAt ?? -Infinity);
  for (const r of s.recommendations) latest = Math.max(latest, r.at);
  return latest;
}

/** Revision ids are `<name>-r<number>`; a prefix test alone would also match a deployment named `<name>-r2x`. */
function ownRevision(name: string, revision: RevisionId): boolean {
  return revision.startsWith(`${name}-r`) && /^\d+$/.test(revision.slice(name.length + 2));
}

/** The 95th percentile (nearest rank) of a non-empty list. */
export function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] as number;
}

/** A stored planner state this build understands (its format is versioned). */
function isPlannerState(value: Record<string, unknown> | undefined): value is Record<string, unknown> & PlannerState {
  return value !== undefined && value.version === initialPlannerState().version && Array.isArray(value.recommendations);
}
