import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/spec/duration.js';
import { against, judgeHybrid, markdownTable, oracleRatio, peerCell, percent, renderSummary, renderTrace, times, type PolicyRow, type TraceResult } from './report.js';

const row = (policy: string, replicaHours: number, unservedShare: number): PolicyRow => ({ policy, replicaHours, unservedShare, underProvisionedTimeShare: unservedShare * 2, actions: 10 });

const rows = (hybrid: [number, number], reactive: [number, number], aws: [number, number]): PolicyRow[] => [
  row('hybrid', ...hybrid),
  row('reactive', ...reactive),
  row('aws-like', ...aws),
  row('oracle', 100, 0),
];

const trace = (name: string, policies: PolicyRow[], shortened = false): TraceResult => ({
  name,
  stepMs: 5 * MINUTE,
  spanMs: 14 * DAY,
  evalMs: 7 * DAY,
  shortened,
  perReplica: 0.0393,
  seconds: 12.34,
  policies,
});

describe('oracleRatio', () => {
  it('divides by the oracle’s replica-hours; NaN without a paying oracle', () => {
    expect(oracleRatio(row('x', 150, 0), row('oracle', 100, 0))).toBe(1.5);
    expect(oracleRatio(row('x', 150, 0), undefined)).toBeNaN();
    expect(oracleRatio(row('x', 150, 0), row('oracle', 0, 0))).toBeNaN();
  });
});

describe('against / judgeHybrid', () => {
  it('beats a peer only with less unserved at equal or lower cost', () => {
    expect(against(row('hybrid', 110, 0.001), row('reactive', 110, 0.01)).beats).toBe(true);
    expect(against(row('hybrid', 111, 0.001), row('reactive', 110, 0.01))).toMatchObject({ noCostlier: false, lessUnserved: true, beats: false });
    expect(against(row('hybrid', 100, 0.01), row('reactive', 110, 0.01))).toMatchObject({ noCostlier: true, lessUnserved: false, beats: false });
    // Nothing unserved on either side: nothing to beat, the cost decides.
    expect(against(row('hybrid', 100, 0), row('reactive', 110, 0)).beats).toBe(true);
  });
  it('needs hybrid within 1.25× the oracle and beating both peers', () => {
    expect(judgeHybrid(rows([120, 0.001], [150, 0.02], [160, 0.01]))).toMatchObject({ ratio: 1.2, withinLimit: true, met: true });
    expect(judgeHybrid(rows([125, 0.001], [150, 0.02], [160, 0.01]))?.met).toBe(true);
    expect(judgeHybrid(rows([126, 0.001], [150, 0.02], [160, 0.01]))).toMatchObject({ withinLimit: false, met: false });
    expect(judgeHybrid(rows([120, 0.001], [150, 0.02], [110, 0.01]))?.met).toBe(false);
    expect(judgeHybrid([row('hybrid', 1, 0), row('oracle', 1, 0)])).toBeUndefined();
  });
});

describe('formatting', () => {
  it('formats ratios and shares', () => {
    expect(times(1.23456)).toBe('1.235×');
    expect(times(NaN)).toBe('–');
    expect(percent(0)).toBe('0 %');
    expect(percent(0.0123)).toBe('1.23 %');
    expect(percent(0.0000123)).toBe('0.0012 %');
  });
  it('writes Markdown tables', () => {
    expect(markdownTable(['a', 'b'], ['l', 'r'], [['x', '1']])).toBe('| a | b |\n|---|--:|\n| x | 1 |');
  });
  it('names why a peer was not beaten', () => {
    expect(peerCell(undefined)).toBe('–');
    expect(peerCell({ peer: 'reactive', noCostlier: false, lessUnserved: true, beats: false })).toBe('no (costlier)');
    expect(peerCell({ peer: 'reactive', noCostlier: true, lessUnserved: false, beats: false })).toBe('no (more unserved)');
    expect(peerCell({ peer: 'reactive', noCostlier: false, lessUnserved: false, beats: false })).toBe('no (costlier, more unserved)');
  });
  it('renders a trace with ratios to the oracle and says when the window was shortened', () => {
    const text = renderTrace(trace('t1', rows([120, 0.001], [150, 0.02], [160, 0.01])));
    expect(text).toContain('### t1');
    expect(text).toContain('| hybrid | 120.0 | 1.200× | 0.10 % | 0.20 % | 10 |');
    expect(text).toContain('| oracle | 100.0 | 1.000× | 0 % | 0 % | 10 |');
    expect(text).toContain('0.0393 rps per replica');
    expect(renderTrace(trace('t2', rows([1, 0], [1, 0], [1, 0]), true))).toContain('shorter than 8 days');
  });
  it('summarises on how many traces the target holds', () => {
    const text = renderSummary([
      trace('good', rows([120, 0.001], [150, 0.02], [160, 0.01])),
      trace('costly', rows([130, 0.001], [150, 0.02], [160, 0.01])),
      trace('partial', [row('oracle', 1, 0)]),
    ]);
    expect(text).toContain('| good | 1.200× | 0.10 % | yes | yes | yes | yes |');
    expect(text).toContain('| costly | 1.300× | 0.10 % | no | yes | yes | no |');
    expect(text).toContain('| partial | – | – | – | – | – | – |');
    expect(text).toContain('Target met on 1 of 2 traces (hybrid within 1.25× the oracle\'s replica-hours on 1; less load unserved than both reactive and aws-like at equal or lower replica-hours on 2).');
  });
});
