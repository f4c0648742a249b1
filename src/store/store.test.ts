// The store's operations on an in-memory database with a fake clock: revisions made only on
// change, every change atomic with its event, revisions immutable, typed not-found errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { revisionId } from '../spec/units.js';
import { NotFoundError } from './errors.js';
import { openStore, type Store } from './store.js';
import type { ApplyInput, Failpoint, StoreOptions } from './types.js';

const D1 = '1'.repeat(64);
const D2 = '2'.repeat(64);
const T0 = 1_700_000_000_000;

const stores: Store[] = [];
let t = T0;
function store(opts: StoreOptions = {}): Store {
  t = T0;
  const s = openStore(':memory:', { clock: () => t, ...opts });
  stores.push(s);
  return s;
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const apply = (over: Partial<ApplyInput> = {}): ApplyInput => ({
  deployment: 'penguins',
  spec: { model: { version: '1' }, scaling: { minReplicas: 1, maxReplicas: 10 } },
  modelDigest: D1,
  modelPath: 'models/penguins-v1.onnx',
  desiredReplicas: 2,
  ...over,
});

/** Everything observable, to compare before and after a failed change. */
const snapshot = (s: Store) => ({
  deployments: s.listDeployments({ includeDeleted: true }),
  revisions: s.listRevisions(),
  events: s.listEvents(),
});

describe('applyRevision', () => {
  it('creates r1 and the deployment, with an applied event, at the clock time', () => {
    const s = store();
    const r = s.applyRevision(apply());
    expect(r.changed).toBe(true);
    expect(r.revision).toEqual({
      id: 'penguins-r1',
      deployment: 'penguins',
      number: 1,
      spec: apply().spec,
      modelDigest: D1,
      modelPath: 'models/penguins-v1.onnx',
      createdAt: T0,
    });
    expect(r.deployment).toEqual({
      name: 'penguins',
      spec: apply().spec,
      desiredReplicas: 2,
      activeRevision: 'penguins-r1',
      servingRevision: 'penguins-r1',
      status: 'active',
      createdAt: T0,
      updatedAt: T0,
    });
    expect(s.listEvents()).toEqual([
      {
        id: 1,
        ts: T0,
        deployment: 'penguins',
        revision: 'penguins-r1',
        type: 'applied',
        message: 'applied penguins: new revision penguins-r1 with 2 desired replicas',
        data: { revision: 'penguins-r1', number: 1, modelDigest: D1, desiredReplicas: 2, newRevision: true },
      },
    ]);
  });

  it('makes r2 for a changed spec and r3 for a changed model, keeping createdAt', () => {
    const s = store();
    s.applyRevision(apply());
    t = T0 + 60_000;
    const r2 = s.applyRevision(apply({ spec: { model: { version: '2' } } }));
    t = T0 + 120_000;
    const r3 = s.applyRevision(apply({ spec: { model: { version: '2' } }, modelDigest: D2, desiredReplicas: 3 }));
    expect([r2.revision.id, r3.revision.id]).toEqual(['penguins-r2', 'penguins-r3']);
    expect(r3.deployment).toMatchObject({ activeRevision: 'penguins-r3', desiredReplicas: 3, createdAt: T0 });
    expect(r3.deployment.updatedAt).toBe(T0 + 120_000);
    expect(s.listRevisions('penguins').map((r) => r.number)).toEqual([1, 2, 3]);
    expect(s.getRevision(revisionId('penguins-r1')).spec).toEqual(apply().spec);
  });

  it('is a no-op for the same spec and digest, even with keys in another order', () => {
    const s = store();
    const first = s.applyRevision(apply());
    t = T0 + 1000;
    const reordered = { scaling: { maxReplicas: 10, minReplicas: 1 }, model: { version: '1' } };
    // desiredReplicas differs too: a re-apply must not undo what the autoscaler chose.
    const again = s.applyRevision(apply({ spec: reordered, desiredReplicas: 9 }));
    expect(again).toEqual({ changed: false, revision: first.revision, deployment: first.deployment });
    expect(s.listRevisions()).toHaveLength(1);
    expect(s.listEvents()).toHaveLength(1);
  });

  it('numbers revisions per deployment', () => {
    const s = store();
    s.applyRevision(apply());
    s.applyRevision(apply({ modelDigest: D2 }));
    const iris = s.applyRevision(apply({ deployment: 'iris' }));
    expect(iris.revision.id).toBe('iris-r1');
    expect(s.listRevisions().map((r) => r.id)).toEqual(['iris-r1', 'penguins-r1', 'penguins-r2']);
  });

  it('rejects a digest that is not sha256 hex and a negative replica count', () => {
    const s = store();
    expect(() => s.applyRevision(apply({ modelDigest: 'ABC' }))).toThrow(
      'modelDigest = "ABC", must be 64 lowercase hex digits (sha256)',
    );
    expect(() => s.applyRevision(apply({ desiredReplicas: -1 }))).toThrow(RangeError);
    expect(() => s.applyRevision(apply({ deployment: '' }))).toThrow('deployment name must not be empty');
    expect(snapshot(s)).toEqual({ deployments: [], revisions: [], events: [] });
  });
});

describe('a failure inside a change leaves nothing half-written', () => {
  const points: Failpoint[] = ['apply.deploymentWritten', 'apply.revisionInserted', 'apply.eventWritten'];

  it.each(points)('first apply, failing at %s: no deployment, no revision, no event', (point) => {
    const s = store({ failpoint: (p) => { if (p === point) throw new Error(`injected at ${p}`); } });
    expect(() => s.applyRevision(apply())).toThrow(`injected at ${point}`);
    expect(snapshot(s)).toEqual({ deployments: [], revisions: [], events: [] });
    expect(() => s.getDeployment('penguins')).toThrow(NotFoundError);
  });

  it.each(points)('second apply, failing at %s: still at r1 as before', (point) => {
    let armed = false;
    const s = store({ failpoint: (p) => { if (armed && p === point) throw new Error('injected'); } });
    s.applyRevision(apply());
    const before = snapshot(s);
    armed = true;
    t = T0 + 5000;
    expect(() => s.applyRevision(apply({ modelDigest: D2, desiredReplicas: 5 }))).toThrow('injected');
    expect(snapshot(s)).toEqual(before);
    // The failed attempt did not use up r2: the next successful apply gets it.
    armed = false;
    expect(s.applyRevision(apply({ modelDigest: D2 })).revision.id).toBe('penguins-r2');
  });
});

describe('revisions are immutable', () => {
  it('UPDATE and DELETE on revisions abort, from any connection', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcast-store-'));
    try {
      const path = join(dir, 'state.db');
      const s = openStore(path, { clock: () => T0 });
      s.applyRevision(apply());
      const raw = new Database(path);
      expect(() => raw.prepare(`UPDATE revisions SET model_path = 'x' WHERE id = 'penguins-r1'`).run()).toThrow(
        'revisions are immutable',
      );
      expect(() => raw.prepare(`DELETE FROM revisions`).run()).toThrow('revisions are immutable');
      raw.close();
      expect(s.getRevision(revisionId('penguins-r1')).modelPath).toBe('models/penguins-v1.onnx');
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteRevision', () => {
  it('a new revision of an existing deployment serves only once promoted, in one event', () => {
    const s = store();
    s.applyRevision(apply());
    const r2 = s.applyRevision(apply({ modelDigest: D2 }));
    expect(r2.deployment).toMatchObject({ activeRevision: 'penguins-r2', servingRevision: 'penguins-r1' });
    const promoted = s.promoteRevision('penguins', revisionId('penguins-r2'), 'r2 is ready');
    expect(promoted).toMatchObject({ changed: true, deployment: { activeRevision: 'penguins-r2', servingRevision: 'penguins-r2' } });
    expect(s.listEvents().at(-1)).toMatchObject({ type: 'revision.promoted', revision: 'penguins-r2', message: 'r2 is ready' });
    expect(s.promoteRevision('penguins', revisionId('penguins-r2'), 'again').changed).toBe(false);
    expect(() => s.promoteRevision('penguins', revisionId('nope-r1'), 'x')).toThrow(NotFoundError);
  });

  it('a deployment brought back after a delete serves its revision at once', () => {
    const s = store();
    s.applyRevision(apply());
    s.deleteDeployment('penguins');
    const back = s.applyRevision(apply({ modelDigest: D2 }));
    expect(back.deployment).toMatchObject({ activeRevision: 'penguins-r2', servingRevision: 'penguins-r2' });
  });
});

describe('setDesiredReplicas', () => {
  it('records the change and its reason in one event; the same count is a no-op', () => {
    const s = store();
    s.applyRevision(apply());
    t = T0 + 10_000;
    const r = s.setDesiredReplicas('penguins', 5, 'forecast p90 1000 rps / 200 per replica', { q: 0.9 });
    expect(r.changed).toBe(true);
    expect(r.deployment).toMatchObject({ desiredReplicas: 5, updatedAt: T0 + 10_000 });
    expect(s.listEvents().at(-1)).toMatchObject({
      ts: T0 + 10_000,
      type: 'scaled',
      revision: 'penguins-r1',
      message: 'scaled penguins from 2 to 5: forecast p90 1000 rps / 200 per replica',
      data: { q: 0.9, from: 2, to: 5, reason: 'forecast p90 1000 rps / 200 per replica' },
    });
    expect(s.setDesiredReplicas('penguins', 5, 'again').changed).toBe(false);
    expect(s.listEvents()).toHaveLength(2);
  });

  it('throws NotFoundError for an unknown or deleted deployment', () => {
    const s = store();
    const err = (() => {
      try {
        s.setDesiredReplicas('nope', 1, 'x');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ name: 'NotFoundError', kind: 'deployment', key: 'nope', message: "deployment 'nope' not found" });
    s.applyRevision(apply());
    s.deleteDeployment('penguins');
    expect(() => s.setDesiredReplicas('penguins', 1, 'x')).toThrow("deployment 'penguins' not found (it was deleted)");
  });
});

describe('deleteDeployment', () => {
  it('soft-deletes: hidden from the list, revisions and events kept, replicas to 0', () => {
    const s = store();
    s.applyRevision(apply());
    t = T0 + 1000;
    const r = s.deleteDeployment('penguins', 'retired');
    expect(r.deployment).toMatchObject({ status: 'deleted', desiredReplicas: 0, updatedAt: T0 + 1000 });
    expect(s.listDeployments()).toEqual([]);
    expect(s.listDeployments({ includeDeleted: true })).toEqual([r.deployment]);
    expect(s.listRevisions('penguins')).toHaveLength(1);
    expect(s.listEvents().map((e) => [e.type, e.message])).toEqual([
      ['applied', 'applied penguins: new revision penguins-r1 with 2 desired replicas'],
      ['deleted', 'deleted penguins: retired'],
    ]);
    expect(s.deleteDeployment('penguins').changed).toBe(false);
    expect(() => s.deleteDeployment('nope')).toThrow(NotFoundError);
  });

  it('a re-apply reactivates, reusing the revision when nothing changed', () => {
    const s = store();
    s.applyRevision(apply());
    s.deleteDeployment('penguins');
    const back = s.applyRevision(apply({ desiredReplicas: 1 }));
    expect(back).toMatchObject({ changed: true, revision: { id: 'penguins-r1' } });
    expect(back.deployment).toMatchObject({ status: 'active', desiredReplicas: 1 });
    expect(s.listEvents().at(-1)?.message).toBe('reactivated penguins at revision penguins-r1 with 1 desired replicas');
    s.deleteDeployment('penguins');
    expect(s.applyRevision(apply({ modelDigest: D2 })).revision.id).toBe('penguins-r2');
  });
});

describe('lookups', () => {
  it('throw NotFoundError naming what was looked up', () => {
    const s = store();
    expect(() => s.getDeployment('ghost')).toThrow("deployment 'ghost' not found");
    expect(() => s.getRevision(revisionId('ghost-r1'))).toThrow("revision 'ghost-r1' not found");
    expect(() => s.listRevisions('ghost')).toThrow(NotFoundError);
  });

  it('list deployments by name', () => {
    const s = store();
    for (const name of ['penguins', 'iris', 'mnist']) s.applyRevision(apply({ deployment: name }));
    expect(s.listDeployments().map((d) => d.name)).toEqual(['iris', 'mnist', 'penguins']);
  });
});
