// The analysis run: successive interval verdicts folded with failureLimit and onInconclusive.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OnInconclusive } from '../spec/types.js';
import { millis } from '../spec/units.js';
import { nextRun, startRun, type RunOutcome, type RunState } from './run-state.js';
import type { AnalysisResult, Verdict } from './verdict.js';

const MINUTE = 60_000;
const result = (verdict: Verdict, minute: number): AnalysisResult => ({ at: millis(minute * MINUTE), verdict, metrics: [], samples: { baseline: 500, canary: 500 } });

/** The outcomes of feeding `verdicts` one per minute to a fresh run. */
function outcomes(verdicts: readonly Verdict[], failureLimit: number, onInconclusive: OnInconclusive = 'hold'): RunOutcome[] {
  let state = startRun({ failureLimit, onInconclusive });
  return verdicts.map((v, i) => {
    const step = nextRun(state, result(v, i + 1));
    state = step.state;
    return step.outcome;
  });
}

describe('known sequences', () => {
  it.each([
    { what: 'one Pass passes', verdicts: ['Pass'], limit: 2, expected: ['pass'] },
    { what: 'failureLimit 0: the first Fail fails', verdicts: ['Fail'], limit: 0, expected: ['fail'] },
    { what: 'failureLimit 2 tolerates two Fails, the third fails', verdicts: ['Fail', 'Fail', 'Fail'], limit: 2, expected: ['continue', 'continue', 'fail'] },
    { what: 'a tolerated Fail then a Pass passes', verdicts: ['Fail', 'Pass'], limit: 1, expected: ['continue', 'pass'] },
    { what: 'hold: Inconclusive holds, a later Pass passes', verdicts: ['Inconclusive', 'Inconclusive', 'Pass'], limit: 0, expected: ['hold', 'hold', 'pass'] },
    { what: 'hold: Inconclusive does not spend failures', verdicts: ['Fail', 'Inconclusive', 'Fail'], limit: 1, expected: ['continue', 'hold', 'fail'] },
    { what: 'after the run is over, nothing changes', verdicts: ['Fail', 'Pass', 'Pass'], limit: 0, expected: ['fail', 'fail', 'fail'] },
  ] as { what: string; verdicts: Verdict[]; limit: number; expected: RunOutcome[] }[])('$what', ({ verdicts, limit, expected }) => {
    expect(outcomes(verdicts, limit)).toEqual(expected);
  });

  it('onInconclusive rollback fails the run at the first Inconclusive', () => {
    expect(outcomes(['Inconclusive', 'Pass'], 5, 'rollback')).toEqual(['fail', 'fail']);
  });

  it('the state is plain JSON with the counts, and says why', () => {
    const s0 = startRun({ failureLimit: 2, onInconclusive: 'hold' });
    const a = nextRun(s0, result('Fail', 1));
    const b = nextRun(a.state, result('Inconclusive', 2));
    const c = nextRun(b.state, result('Fail', 3));
    const d = nextRun(c.state, result('Fail', 4));
    expect(a.because).toBe('1 failed interval(s), 2 tolerated');
    expect(b.because).toBe('inconclusive interval (1 so far) and onInconclusive is hold: keep weights, judge the next interval');
    expect(d.because).toBe('3 failed interval(s) > failureLimit 2');
    expect(d.state).toEqual({
      phase: 'failed',
      failureLimit: 2,
      onInconclusive: 'hold',
      requiredPasses: 1,
      evaluations: 4,
      passes: 0,
      failures: 3,
      inconclusives: 1,
      lastAt: millis(4 * MINUTE),
      lastVerdict: 'Fail',
      lastOutcome: 'fail',
    } satisfies RunState);
    expect(JSON.parse(JSON.stringify(d.state))).toEqual(d.state);
    expect(s0.evaluations).toBe(0); // the input state is not touched
  });

  it('a result not after the last one judged (a retried tick) is not counted twice', () => {
    const a = nextRun(startRun({ failureLimit: 1, onInconclusive: 'hold' }), result('Fail', 1));
    const again = nextRun(a.state, result('Fail', 1));
    expect(again.state).toBe(a.state);
    expect(again.outcome).toBe('continue');
    expect(again.because).toBe(`interval at ${MINUTE} is not after the last one judged (${MINUTE}): not counted again`);
    expect(nextRun(again.state, result('Fail', 2)).outcome).toBe('fail');
  });
});

describe('invariants', () => {
  const verdicts = fc.array(fc.constantFrom<Verdict>('Pass', 'Inconclusive', 'Fail'), { maxLength: 30 });
  const settings = fc.record({ failureLimit: fc.nat({ max: 5 }), onInconclusive: fc.constantFrom<OnInconclusive>('hold', 'rollback') });

  it('the run fails exactly when failures exceed failureLimit (or rollback meets an Inconclusive) before any Pass', () => {
    fc.assert(
      fc.property(verdicts, settings, (vs, { failureLimit, onInconclusive }) => {
        const out = outcomes(vs, failureLimit, onInconclusive);
        // Replay by hand: the first decisive event wins.
        let failures = 0;
        let expected: RunOutcome | undefined;
        for (const v of vs) {
          if (v === 'Pass') expected = 'pass';
          else if (v === 'Fail' && ++failures > failureLimit) expected = 'fail';
          else if (v === 'Inconclusive' && onInconclusive === 'rollback') expected = 'fail';
          if (expected !== undefined) break;
        }
        const terminal = out.find((o) => o === 'pass' || o === 'fail');
        expect(terminal).toBe(expected);
        // Once terminal, always terminal with the same outcome.
        const first = out.findIndex((o) => o === 'pass' || o === 'fail');
        if (first >= 0) expect(out.slice(first).every((o) => o === out[first])).toBe(true);
      }),
      { seed: 81 },
    );
  });
});
