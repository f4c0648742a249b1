// The store's autoscaling tables (migration 3) through the Store's methods, on in-memory
// databases with a fake clock: history imports replace their range and are logged in the
// same transaction, decisions commit with the planner state and the replica change they
// cause or not at all, listing and pruning keep what they promise. A few tests use a file
// (a second connection to read raw columns, to break a table on purpose, or to migrate).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';
import { MIGRATIONS, latestVersion } from './migrations.js';
import { openDatabase } from './open.js';
import { openStore, Store } from './store.js';
import type { LoadPoint, NewDecision, StoreOptions } from './types.js';

const MIN = 60_000;
/** Monday 5 January 2026, 00:00 UTC. */
const T0 = Date.UTC(2026, 0, 5);
const DIGEST = 'a'.repeat(64);

const stores: Store[] = [];
const dirs: string[] = [];
let t = T0;
function store(opts: StoreOptions = {}, path = ':memory:'): Store {
  t = T0;
  const s = openStore(path, { clock: () => t, ...opts });
  stores.push(s);
  return s;
}
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollcast-autoscaling-'));
  dirs.push(dir);
  return join(dir, 'rollcast.db');
}
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A store with deployment `d` at 2 desired replicas (revision d-r1). */
function withDeployment(opts: StoreOptions = {}, path?: string): Store {
  const s = store(opts, path);
  s.applyRevision({ deployment: 'd', spec: {}, modelDigest: DIGEST, modelPath: '/m.onnx', desiredReplicas: 2 });
  return s;
}

const minutes = (...ks: number[]): LoadPoint[] => ks.map((k) => ({ ts: T0 + k * MIN, value: k }));

const decision = (over: Partial<NewDecision> = {}): NewDecision => ({
  deployment: 'd',
  previous: 2,
  replicas: 5,
  act: true,
  body: { decision: { kind: 'scale' }, observed: { load: 40 } },
  plannerState: { recommendations: [1, 2] },
  reason: 'autoscaler: reactive',
  ...over,
});

/** Everything the autoscaling methods can change, to compare before and after a failed call. */
const snapshot = (s: Store, deployment = 'd') => ({
  points: s.loadPoints(deployment, 0, Number.MAX_SAFE_INTEGER),
  decisions: s.listDecisions(deployment, { limit: 1000 }),
  planner: s.plannerState(deployment),
  forecast: s.latestForecast(deployment),
  deployments: s.listDeployments({ includeDeleted: true }),
  events: s.listEvents(),
});

describe('importHistory', () => {
  it('writes the points and one history.imported event with the record, at the clock time', () => {
    const s = store();
    t = T0 + 99 * MIN;
    const result = s.importHistory({ deployment: 'd', points: minutes(0, 1, 2), record: { shiftMs: 0, stepMs: MIN, source: 'a.csv' } });
    expect(result).toEqual({ imported: 3, from: T0, to: T0 + 2 * MIN, replaced: 0 });
    expect(s.loadPoints('d', T0, T0 + 3 * MIN)).toEqual(minutes(0, 1, 2));
    expect(s.listEvents()).toEqual([
      {
        id: 1,
        ts: T0 + 99 * MIN,
        deployment: 'd',
        revision: null,
        type: 'history.imported',
        message: 'imported 3 minutes of load history for d, 2026-01-05T00:00:00.000Z to 2026-01-05T00:02:00.000Z',
        data: { shiftMs: 0, stepMs: MIN, source: 'a.csv', from: T0, to: T0 + 2 * MIN, points: 3, replaced: 0 },
      },
    ]);
  });

  it('replaces every stored point between its first and last minute, gaps included, and nothing outside', () => {
    const s = store();
    s.writeLoadPoints('d', minutes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    s.writeLoadPoints('other', minutes(3, 4));
    // Import minutes 2, 4, 6 at value 100: minutes 3 and 5 (inside [2, 6]) are dropped, 2..6 replaced = 5.
    const points = [2, 4, 6].map((k) => ({ ts: T0 + k * MIN, value: 100 }));
    expect(s.importHistory({ deployment: 'd', points, record: {} })).toMatchObject({ imported: 3, replaced: 5 });
    expect(s.loadPoints('d', T0, T0 + 10 * MIN)).toEqual([...minutes(0, 1), ...points, ...minutes(7, 8, 9)]);
    expect(s.loadPoints('other', T0, T0 + 10 * MIN)).toEqual(minutes(3, 4));
    expect(s.listEvents({ type: 'history.imported' })[0]!.data).toMatchObject({ replaced: 5, points: 3 });
  });

  it('needs no deployment: history may come before the first apply', () => {
    const s = store();
    expect(s.importHistory({ deployment: 'later', points: minutes(0), record: {} }).imported).toBe(1);
    expect(s.listDeployments()).toEqual([]);
  });

  it.each([
    { what: 'no points', points: [] as LoadPoint[], message: 'a history import needs at least one point' },
    { what: 'a point off the minute', points: [{ ts: T0 + 1, value: 1 }], message: `load point ts = ${T0 + 1}, must be the start of a minute in epoch ms` },
    {
      what: 'a negative value',
      points: [{ ts: T0, value: 1 }, { ts: T0 + MIN, value: -1 }],
      message: 'load point at 2026-01-05T00:01:00.000Z: value = -1, must be finite and ≥ 0',
    },
    { what: 'a NaN value', points: [{ ts: T0, value: Number.NaN }], message: 'load point at 2026-01-05T00:00:00.000Z: value = NaN, must be finite and ≥ 0' },
    {
      what: 'a repeated minute',
      points: [{ ts: T0, value: 1 }, { ts: T0, value: 2 }],
      message: 'load points must be strictly increasing in time: 2026-01-05T00:00:00.000Z follows 2026-01-05T00:00:00.000Z',
    },
    {
      what: 'minutes out of order',
      points: [{ ts: T0 + MIN, value: 1 }, { ts: T0, value: 2 }],
      message: 'load points must be strictly increasing in time: 2026-01-05T00:00:00.000Z follows 2026-01-05T00:01:00.000Z',
    },
  ])('rejects $what and writes nothing', ({ points, message }) => {
    const s = store();
    s.writeLoadPoints('d', minutes(0, 1));
    const before = snapshot(s);
    expect(() => s.importHistory({ deployment: 'd', points, record: {} })).toThrow(new RangeError(message));
    expect(snapshot(s)).toEqual(before);
  });

  it('marks imported points as import and measured ones as live', () => {
    const path = tempDb();
    const s = store({}, path);
    s.writeLoadPoints('d', minutes(0));
    s.importHistory({ deployment: 'd', points: minutes(5), record: {} });
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare('SELECT ts, source FROM load_points ORDER BY ts').all()).toEqual([
        { ts: T0, source: 'live' },
        { ts: T0 + 5 * MIN, source: 'import' },
      ]);
    } finally {
      raw.close();
    }
  });
});

describe('writeLoadPoints and loadPoints', () => {
  it('reads [from, to) oldest first, whatever the write order', () => {
    const s = store();
    s.writeLoadPoints('d', minutes(3, 0, 2, 1));
    expect(s.loadPoints('d', T0, T0 + 4 * MIN)).toEqual(minutes(0, 1, 2, 3));
    expect(s.loadPoints('d', T0 + MIN, T0 + 3 * MIN)).toEqual(minutes(1, 2));
    expect(s.loadPoints('d', T0 + 4 * MIN, T0 + 9 * MIN)).toEqual([]);
    expect(s.loadPoints('nobody', T0, T0 + 4 * MIN)).toEqual([]);
  });

  it('overwrites a minute written again', () => {
    const s = store();
    s.writeLoadPoints('d', [{ ts: T0, value: 1 }]);
    s.writeLoadPoints('d', [{ ts: T0, value: 2.25 }]);
    expect(s.loadPoints('d', T0, T0 + MIN)).toEqual([{ ts: T0, value: 2.25 }]);
  });

  it('checks the whole batch before writing any of it', () => {
    const s = store();
    expect(() => s.writeLoadPoints('d', [{ ts: T0, value: 1 }, { ts: T0 + MIN, value: -0.5 }])).toThrow(
      'load point at 2026-01-05T00:01:00.000Z: value = -0.5, must be finite and ≥ 0',
    );
    expect(() => s.writeLoadPoints('d', [{ ts: T0, value: 1 }, { ts: T0 + 1.5, value: 1 }])).toThrow(RangeError);
    expect(s.loadPoints('d', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('writing nothing is allowed and writes nothing', () => {
    const s = store();
    s.writeLoadPoints('d', []);
    expect(s.loadPoints('d', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});

describe('saveForecast and latestForecast', () => {
  it('is undefined before any, then the last one saved for that deployment', () => {
    const s = store();
    expect(s.latestForecast('d')).toBeUndefined();
    s.saveForecast('d', T0, { model: 'a', mean: [1, 2] });
    s.saveForecast('other', T0 + 2 * MIN, { model: 'z' });
    s.saveForecast('d', T0 + MIN, { quantiles: { '0.9': [3] }, model: 'b' });
    expect(s.latestForecast('d')).toEqual({ deployment: 'd', madeAt: T0 + MIN, body: { model: 'b', quantiles: { '0.9': [3] } } });
    expect(s.latestForecast('other')?.body).toEqual({ model: 'z' });
  });

  it('a body that is not JSON is refused and nothing is written', () => {
    const s = store();
    expect(() => s.saveForecast('d', T0, { n: 1n })).toThrow(TypeError);
    expect(s.latestForecast('d')).toBeUndefined();
  });
});

describe('recordDecision', () => {
  it('acting on a different count: the decision, the planner state, desiredReplicas and a scaled event, at one time', () => {
    const s = withDeployment();
    t = T0 + 5 * MIN;
    const r = s.recordDecision(decision());
    expect(r.decision).toEqual({ id: 1, deployment: 'd', ts: T0 + 5 * MIN, previous: 2, replicas: 5, changed: true, body: decision().body });
    expect(r.deployment).toMatchObject({ desiredReplicas: 5, updatedAt: T0 + 5 * MIN });
    expect(s.getDeployment('d').desiredReplicas).toBe(5);
    expect(s.plannerState('d')).toEqual({ recommendations: [1, 2] });
    expect(s.listDecisions('d')).toEqual([r.decision]);
    const scaled = s.listEvents({ type: 'scaled' });
    expect(scaled).toEqual([
      {
        id: 2,
        ts: T0 + 5 * MIN,
        deployment: 'd',
        revision: 'd-r1',
        type: 'scaled',
        message: 'scaled d from 2 to 5: autoscaler: reactive',
        data: { from: 2, to: 5, reason: 'autoscaler: reactive', decision: 1, autoscaler: true },
      },
    ]);
  });

  it.each([
    { what: 'not acting on a different count', act: false, replicas: 5 },
    { what: 'acting on the same count', act: true, replicas: 2 },
    { what: 'not acting on the same count', act: false, replicas: 2 },
  ])('$what: the decision and planner state only, unchanged', ({ act, replicas }) => {
    const s = withDeployment();
    const events = s.listEvents();
    t = T0 + MIN;
    const r = s.recordDecision(decision({ act, replicas }));
    expect(r.decision).toMatchObject({ changed: false, replicas, ts: T0 + MIN });
    expect(r.deployment).toEqual(s.getDeployment('d'));
    expect(r.deployment).toMatchObject({ desiredReplicas: 2, updatedAt: T0 });
    expect(s.plannerState('d')).toEqual({ recommendations: [1, 2] });
    expect(s.listDecisions('d')).toHaveLength(1);
    expect(s.listEvents()).toEqual(events);
  });

  it('compares with the stored desired count, not the caller’s previous', () => {
    const s = withDeployment();
    // The caller decided from a stale 3; the store holds 2, so 3 is a change from 2.
    const r = s.recordDecision(decision({ previous: 3, replicas: 3 }));
    expect(r.decision).toMatchObject({ previous: 3, replicas: 3, changed: true });
    expect(s.listEvents({ type: 'scaled' })[0]!.message).toBe('scaled d from 2 to 3: autoscaler: reactive');
    // …and the other way round: the store holds 3 now, so 3 from a stale previous of 2 is no change.
    expect(s.recordDecision(decision({ previous: 2, replicas: 3 })).decision.changed).toBe(false);
  });

  it('keeps only the latest planner state', () => {
    const s = withDeployment();
    s.recordDecision(decision({ plannerState: { a: 1 }, act: false }));
    s.recordDecision(decision({ plannerState: { b: 2 }, act: false }));
    expect(s.plannerState('d')).toEqual({ b: 2 });
    expect(s.plannerState('other')).toBeUndefined();
  });

  it('a deleted deployment is not found, and nothing is written', () => {
    const s = withDeployment();
    s.deleteDeployment('d');
    const before = snapshot(s);
    const err = (() => {
      try {
        s.recordDecision(decision());
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ name: 'NotFoundError', kind: 'deployment', key: 'd', message: "deployment 'd' not found (it was deleted)" });
    expect(snapshot(s)).toEqual(before);
    expect(before.decisions).toEqual([]);
    expect(before.planner).toBeUndefined();
  });

  it('a deployment never applied is not found, and nothing is written', () => {
    const s = store();
    expect(() => s.recordDecision(decision({ deployment: 'ghost' }))).toThrow(new NotFoundError('deployment', 'ghost'));
    expect(snapshot(s, 'ghost')).toEqual({ points: [], decisions: [], planner: undefined, forecast: undefined, deployments: [], events: [] });
  });

  it.each([-1, 1.5, Number.NaN])('rejects replicas = %s before writing', (replicas) => {
    const s = withDeployment();
    const before = snapshot(s);
    expect(() => s.recordDecision(decision({ replicas }))).toThrow(new RangeError(`desiredReplicas = ${replicas}, must be a whole number ≥ 0`));
    expect(snapshot(s)).toEqual(before);
  });

  it('all or nothing: a planner state that is not JSON undoes the decision already inserted', () => {
    const s = withDeployment();
    const before = snapshot(s);
    expect(() => s.recordDecision(decision({ plannerState: { n: 1n } }))).toThrow(TypeError);
    expect(snapshot(s)).toEqual(before);
  });

  it('all or nothing: a previous the table refuses writes nothing', () => {
    const s = withDeployment();
    const before = snapshot(s);
    expect(() => s.recordDecision(decision({ previous: -1 }))).toThrow(/CHECK constraint failed/);
    expect(snapshot(s)).toEqual(before);
  });

  it('all or nothing: when the scaled event cannot be written, the decision, state and new count are undone', () => {
    const path = tempDb();
    const s = withDeployment({}, path);
    const before = snapshot(s);
    // Break the event log from a second connection: the failure comes after the decision,
    // the planner state and the UPDATE of desired_replicas were written in the transaction.
    const raw = new Database(path);
    try {
      raw.exec(`CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'events refused'); END`);
    } finally {
      raw.close();
    }
    expect(() => s.recordDecision(decision())).toThrow('events refused');
    expect(snapshot(s)).toEqual(before);
    expect(s.getDeployment('d').desiredReplicas).toBe(2);
  });

  it('all or nothing for imports too: when the event cannot be written, no point is', () => {
    const path = tempDb();
    const s = store({}, path);
    s.writeLoadPoints('d', minutes(0, 1, 2));
    const raw = new Database(path);
    try {
      raw.exec(`CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'events refused'); END`);
    } finally {
      raw.close();
    }
    expect(() => s.importHistory({ deployment: 'd', points: [{ ts: T0 + MIN, value: 50 }], record: {} })).toThrow('events refused');
    expect(s.loadPoints('d', T0, T0 + 3 * MIN)).toEqual(minutes(0, 1, 2));
  });
});

describe('listDecisions', () => {
  /** Decisions 1..n for `d` at one a minute; those with an even number change the count (2 ↔ 3). */
  function decided(n: number): Store {
    const s = withDeployment();
    for (let i = 1; i <= n; i++) {
      t = T0 + i * MIN;
      const desired = s.getDeployment('d').desiredReplicas;
      s.recordDecision(decision({ previous: desired, replicas: i % 2 === 0 ? 5 - desired : desired, body: { i } }));
    }
    return s;
  }

  it('is the latest `limit` decisions, oldest first', () => {
    const s = decided(6);
    expect(s.listDecisions('d', { limit: 3 }).map((d) => d.body.i)).toEqual([4, 5, 6]);
    expect(s.listDecisions('d').map((d) => d.body.i)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.listDecisions('d').map((d) => d.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('changedOnly keeps the decisions that changed the count', () => {
    const s = decided(7);
    const changed = s.listDecisions('d', { changedOnly: true });
    expect(changed.map((d) => d.body.i)).toEqual([2, 4, 6]);
    expect(changed.map((d) => [d.previous, d.replicas])).toEqual([[2, 3], [3, 2], [2, 3]]);
    expect(s.listDecisions('d', { changedOnly: true, limit: 2 }).map((d) => d.body.i)).toEqual([4, 6]);
  });

  it('is per deployment', () => {
    const s = decided(2);
    s.applyRevision({ deployment: 'e', spec: {}, modelDigest: DIGEST, modelPath: '/m.onnx', desiredReplicas: 1 });
    s.recordDecision(decision({ deployment: 'e', previous: 1, replicas: 1 }));
    expect(s.listDecisions('d')).toHaveLength(2);
    expect(s.listDecisions('e').map((d) => d.deployment)).toEqual(['e']);
    expect(s.listDecisions('nobody')).toEqual([]);
  });

  it('defaults to 50 and caps at 1000', () => {
    const s = decided(1001);
    expect(s.listDecisions('d')).toHaveLength(50);
    expect(s.listDecisions('d')[0]!.body.i).toBe(952);
    const all = s.listDecisions('d', { limit: 5000 });
    expect(all).toHaveLength(1000);
    expect(all[0]!.body.i).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects limit = %s', (limit) => {
    const s = store();
    expect(() => s.listDecisions('d', { limit })).toThrow(new RangeError(`limit = ${limit}, must be a whole number ≥ 1`));
  });

  it('stays readable after the deployment is deleted', () => {
    const s = decided(2);
    s.deleteDeployment('d');
    expect(s.listDecisions('d')).toHaveLength(2);
  });
});

describe('pruneAutoscaling', () => {
  it('drops old points, old decisions that changed nothing, and old forecasts but each deployment’s latest', () => {
    const s = withDeployment();
    s.writeLoadPoints('d', minutes(0, 1, 2, 3));
    s.writeLoadPoints('e', minutes(1));
    // Decisions at minutes 1..4: 1 and 3 change the count, 2 and 4 do not.
    for (const [k, replicas] of [[1, 3], [2, 3], [3, 4], [4, 4]] as const) {
      t = T0 + k * MIN;
      s.recordDecision(decision({ replicas, body: { k } }));
    }
    s.saveForecast('d', T0, { n: 1 });
    s.saveForecast('d', T0 + MIN, { n: 2 });
    s.saveForecast('d', T0 + 5 * MIN, { n: 3 });
    s.saveForecast('e', T0, { n: 4 }); // e's only forecast, old: kept as e's latest
    s.saveForecast('f', T0, { n: 5 });
    s.saveForecast('f', T0 + MIN, { n: 6 }); // f's latest, old too: kept

    const pruned = s.pruneAutoscaling({ pointsBefore: T0 + 2 * MIN, decisionsBefore: T0 + 4 * MIN, forecastsBefore: T0 + 2 * MIN });
    // Points at minutes 0, 1 of d and 1 of e; decision 2 (unchanged, before minute 4; 4 is not
    // before it); forecasts n=1, n=2 of d and n=5 of f.
    expect(pruned).toEqual({ points: 3, decisions: 1, forecasts: 3 });
    expect(s.loadPoints('d', 0, Number.MAX_SAFE_INTEGER)).toEqual(minutes(2, 3));
    expect(s.loadPoints('e', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(s.listDecisions('d').map((d) => [d.body.k, d.changed])).toEqual([[1, true], [3, true], [4, false]]);
    expect(s.latestForecast('d')?.body).toEqual({ n: 3 });
    expect(s.latestForecast('e')?.body).toEqual({ n: 4 });
    expect(s.latestForecast('f')?.body).toEqual({ n: 6 });
    // Pruning again at the same cuts finds nothing more.
    expect(s.pruneAutoscaling({ pointsBefore: T0 + 2 * MIN, decisionsBefore: T0 + 4 * MIN, forecastsBefore: T0 + 2 * MIN })).toEqual({
      points: 0,
      decisions: 0,
      forecasts: 0,
    });
  });

  it('keeps each deployment’s latest forecast even when every forecast is older than the cut', () => {
    const s = store();
    s.saveForecast('d', T0, { n: 1 });
    s.saveForecast('d', T0 + MIN, { n: 2 });
    expect(s.pruneAutoscaling({ pointsBefore: 0, decisionsBefore: 0, forecastsBefore: T0 + 60 * MIN }).forecasts).toBe(1);
    expect(s.latestForecast('d')).toEqual({ deployment: 'd', madeAt: T0 + MIN, body: { n: 2 } });
  });

  it('does not touch the planner state', () => {
    const s = withDeployment();
    s.recordDecision(decision({ act: false }));
    s.pruneAutoscaling({ pointsBefore: T0 + 999 * MIN, decisionsBefore: T0 + 999 * MIN, forecastsBefore: T0 + 999 * MIN });
    expect(s.listDecisions('d')).toEqual([]);
    expect(s.plannerState('d')).toEqual({ recommendations: [1, 2] });
  });
});

describe('migration 3', () => {
  it('applies on a version-2 database, keeping its deployments, and the autoscaling methods work', () => {
    const path = tempDb();
    // A file as a build that knew migrations 1 and 2 left it, with one deployment.
    const v2 = openDatabase(path, { migrations: MIGRATIONS.slice(0, 2) });
    const old = new Store(v2, path, { clock: () => T0 });
    old.applyRevision({ deployment: 'd', spec: { a: 1 }, modelDigest: DIGEST, modelPath: '/m.onnx', desiredReplicas: 2 });
    expect(v2.pragma('user_version', { simple: true })).toBe(2);
    expect(v2.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'decisions'`).get()).toEqual({ n: 0 });
    old.close();

    const s = store({}, path);
    expect(s.getDeployment('d')).toMatchObject({ desiredReplicas: 2, activeRevision: 'd-r1', servingRevision: 'd-r1', spec: { a: 1 } });
    s.writeLoadPoints('d', minutes(0));
    expect(s.loadPoints('d', T0, T0 + MIN)).toEqual(minutes(0));
    expect(s.recordDecision(decision()).decision.changed).toBe(true);
    expect(s.getDeployment('d').desiredReplicas).toBe(5);

    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion());
      const tables = raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['decisions', 'deployments', 'events', 'forecasts', 'load_points', 'planner_states', 'revisions']));
    } finally {
      raw.close();
    }
  });
});
