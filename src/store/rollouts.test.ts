// The rollouts table through the Store: one active rollout per deployment, superseding,
// transitions guarded by the version they were computed from, and events and promotion
// written in the same transaction as the state.
import { beforeEach, describe, expect, it } from 'vitest';
import { revisionId } from '../spec/units.js';
import { NotFoundError, StaleRolloutError, openStore, type Store } from './index.js';

const DIGEST = 'b'.repeat(64);
let store: Store;
let now = 1_000;

beforeEach(() => {
  now = 1_000;
  store = openStore(':memory:', { clock: () => now });
  store.applyRevision({ deployment: 'web', spec: { v: 1 }, modelDigest: DIGEST, modelPath: '/m1.onnx', desiredReplicas: 2 });
  store.applyRevision({ deployment: 'web', spec: { v: 2 }, modelDigest: DIGEST, modelPath: '/m2.onnx', desiredReplicas: 2 });
});

const start = (state: Record<string, unknown> = { step: 0 }, supersededState?: Record<string, unknown>) =>
  store.startRollout({
    deployment: 'web',
    canaryRevision: revisionId('web-r2'),
    stableRevision: revisionId('web-r1'),
    state,
    events: [{ type: 'rollout.started', message: 'web-r2 rolls out against web-r1', deployment: 'web' }],
    ...(supersededState && { supersededState }),
  });

describe('startRollout', () => {
  it('stores the first state at version 1 with its event, which names the rollout', () => {
    const r = start();
    expect(r).toMatchObject({ deployment: 'web', canaryRevision: 'web-r2', stableRevision: 'web-r1', status: 'active', version: 1, state: { step: 0 }, createdAt: 1_000 });
    expect(store.activeRollout('web')?.id).toBe(r.id);
    const event = store.listEvents({ type: 'rollout.started' })[0];
    expect(event?.data).toEqual({ rollout: r.id });
  });

  it('refuses a second active rollout unless it supersedes the first, which is then finished with the given state', () => {
    const first = start();
    expect(() => start({ step: 0 })).toThrow(/already has an active rollout/);
    now = 2_000;
    const second = start({ step: 0, again: true }, { step: 1, superseded: true });
    expect(store.activeRollouts().map((r) => r.id)).toEqual([second.id]);
    expect(store.listRollouts('web').map((r) => [r.id, r.status, r.version, r.state])).toEqual([
      [first.id, 'finished', 2, { step: 1, superseded: true }],
      [second.id, 'active', 1, { step: 0, again: true }],
    ]);
  });

  it('refuses a deployment that does not exist, writing nothing', () => {
    expect(() => store.startRollout({ deployment: 'nope', canaryRevision: revisionId('nope-r2'), stableRevision: revisionId('nope-r1'), state: {}, events: [] })).toThrow(NotFoundError);
    expect(store.activeRollouts()).toEqual([]);
  });
});

describe('saveRolloutTransition', () => {
  it('writes the next state, bumps the version and logs the events with the deployment and rollout id', () => {
    const r = start();
    now = 5_000;
    const next = store.saveRolloutTransition({ id: r.id, fromVersion: 1, state: { step: 1 }, finished: false, events: [{ type: 'rollout.step', message: 'weight 10 %' }] });
    expect(next).toMatchObject({ version: 2, state: { step: 1 }, status: 'active', updatedAt: 5_000 });
    expect(store.listEvents({ type: 'rollout.step' })[0]).toMatchObject({ deployment: 'web', ts: 5_000, data: { rollout: r.id } });
  });

  it('a transition computed from an old version is refused and writes nothing (a step never runs twice)', () => {
    const r = start();
    store.saveRolloutTransition({ id: r.id, fromVersion: 1, state: { step: 1 }, finished: false, events: [] });
    const before = store.listEvents().length;
    expect(() => store.saveRolloutTransition({ id: r.id, fromVersion: 1, state: { step: 1, dup: true }, finished: false, events: [{ type: 'rollout.step', message: 'again' }] })).toThrow(StaleRolloutError);
    expect(store.activeRollout('web')).toMatchObject({ version: 2, state: { step: 1 } });
    expect(store.listEvents().length).toBe(before);
  });

  it('promotes with the final transition: the serving revision changes in the same transaction, and the rollout is finished', () => {
    const r = start();
    expect(store.getDeployment('web').servingRevision).toBe('web-r1');
    const done = store.saveRolloutTransition({ id: r.id, fromVersion: 1, state: { done: true }, finished: true, events: [{ type: 'rollout.promoted', message: 'web-r2 takes all traffic' }], promote: revisionId('web-r2') });
    expect(done.status).toBe('finished');
    expect(store.getDeployment('web').servingRevision).toBe('web-r2');
    expect(store.activeRollout('web')).toBeUndefined();
    expect(() => store.saveRolloutTransition({ id: r.id, fromVersion: 2, state: {}, finished: true, events: [] })).toThrow(StaleRolloutError);
  });

  it('a promotion naming another deployment\'s revision is refused with nothing written', () => {
    store.applyRevision({ deployment: 'other', spec: { v: 1 }, modelDigest: DIGEST, modelPath: '/o.onnx', desiredReplicas: 1 });
    const r = start();
    expect(() => store.saveRolloutTransition({ id: r.id, fromVersion: 1, state: { done: true }, finished: true, events: [{ type: 'rollout.promoted', message: 'x' }], promote: revisionId('other-r1') })).toThrow(/belongs to other/);
    expect(store.activeRollout('web')).toMatchObject({ version: 1, state: { step: 0 } });
    expect(store.listEvents({ type: 'rollout.promoted' })).toEqual([]);
  });

  it('an unknown rollout is not found', () => {
    expect(() => store.saveRolloutTransition({ id: 99, fromVersion: 1, state: {}, finished: false, events: [] })).toThrow(NotFoundError);
  });
});
