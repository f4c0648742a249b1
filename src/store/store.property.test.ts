// Invariants of applyRevision over random apply sequences (fast-check): a revision is made
// exactly when spec or model differ from the latest one, numbers run 1, 2, 3 … without gaps,
// and every change has exactly one event.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openStore } from './store.js';

const digests = ['a'.repeat(64), 'b'.repeat(64)];
const specs = [{ v: 1 }, { v: 2 }, { v: 1, extra: [1, 2] }];

const step = fc.record({
  deployment: fc.constantFrom('penguins', 'iris'),
  spec: fc.constantFrom(...specs),
  digest: fc.constantFrom(...digests),
  replicas: fc.integer({ min: 0, max: 10 }),
});

describe('applyRevision over random sequences', () => {
  it('creates a revision exactly when spec or digest change, numbered without gaps', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let t = 0;
        const s = openStore(':memory:', { clock: () => ++t });
        try {
          // Model: the latest (spec, digest) per deployment and how many revisions it has.
          const latest = new Map<string, { key: string; count: number }>();
          let changes = 0;
          for (const st of steps) {
            const key = JSON.stringify([st.spec, st.digest]);
            const before = latest.get(st.deployment);
            const expectNew = before?.key !== key;
            const r = s.applyRevision({
              deployment: st.deployment,
              spec: st.spec,
              modelDigest: st.digest,
              modelPath: 'm.onnx',
              desiredReplicas: st.replicas,
            });
            expect(r.changed).toBe(expectNew);
            const count = (before?.count ?? 0) + (expectNew ? 1 : 0);
            latest.set(st.deployment, { key, count });
            if (expectNew) changes++;
            expect(r.revision.id).toBe(`${st.deployment}-r${count}`);
            expect(r.deployment.activeRevision).toBe(r.revision.id);
          }
          for (const [name, { count }] of latest) {
            expect(s.listRevisions(name).map((r) => r.number)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
          }
          expect(s.listEvents({ limit: 1000 }).filter((e) => e.type === 'applied')).toHaveLength(changes);
        } finally {
          s.close();
        }
      }),
      { seed: 20240601, numRuns: 200 },
    );
  });
});
