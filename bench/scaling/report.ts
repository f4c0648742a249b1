// The scaling benchmark's report (issue 4, "Benchmark: bench/scaling"): per trace, each
// policy's replica-hours as a ratio to the oracle's and its absolute unserved share; then the
// target, judged per trace. Pure: results in, Markdown out (report.test.ts).
//
// The target: hybrid within 1.25× the oracle's replica-hours, and, against each of `reactive`
// and `aws-like`, less load unserved at equal or lower cost (replica-hours ≤ the peer's). When
// both leave nothing unserved, "less" cannot hold and is read as "no more" (nothing to beat).

import { DAY, formatDuration } from '../../src/spec/duration.js';

export const ORACLE_RATIO_LIMIT = 1.25;
export const PEERS = ['reactive', 'aws-like'] as const;

/** What the report needs of one policy's metrics (src/sim PolicyMetrics has these). */
export interface PolicyRow {
  readonly policy: string;
  readonly replicaHours: number;
  readonly unservedShare: number;
  readonly underProvisionedTimeShare: number;
  readonly actions: number;
}

export interface TraceResult {
  readonly name: string;
  readonly stepMs: number;
  readonly spanMs: number;
  readonly evalMs: number;
  /** True when the trace is shorter than 8 days and the window was cut to leave 1 day of history. */
  readonly shortened: boolean;
  readonly perReplica: number;
  readonly seconds: number;
  readonly policies: readonly PolicyRow[];
}

export interface PeerVerdict {
  readonly peer: string;
  /** hybrid's replica-hours ≤ the peer's. */
  readonly noCostlier: boolean;
  /** hybrid leaves less unserved (or both leave nothing). */
  readonly lessUnserved: boolean;
  readonly beats: boolean;
}

export interface HybridVerdict {
  readonly ratio: number;
  readonly withinLimit: boolean;
  readonly peers: readonly PeerVerdict[];
  readonly met: boolean;
}

const find = (rows: readonly PolicyRow[], policy: string): PolicyRow | undefined => rows.find((r) => r.policy === policy);

/** replica-hours / the oracle's; NaN when the oracle is missing or paid nothing. */
export function oracleRatio(row: PolicyRow, oracle: PolicyRow | undefined): number {
  return oracle !== undefined && oracle.replicaHours > 0 ? row.replicaHours / oracle.replicaHours : NaN;
}

/** How hybrid did against one peer; see the module comment. */
export function against(hybrid: PolicyRow, peer: PolicyRow): PeerVerdict {
  const noCostlier = hybrid.replicaHours <= peer.replicaHours;
  const lessUnserved = hybrid.unservedShare < peer.unservedShare || (hybrid.unservedShare === 0 && peer.unservedShare === 0);
  return { peer: peer.policy, noCostlier, lessUnserved, beats: noCostlier && lessUnserved };
}

/** The target on one trace, or undefined when hybrid, the oracle or a peer did not run. */
export function judgeHybrid(rows: readonly PolicyRow[]): HybridVerdict | undefined {
  const hybrid = find(rows, 'hybrid');
  const oracle = find(rows, 'oracle');
  const peers = PEERS.map((p) => find(rows, p));
  if (hybrid === undefined || oracle === undefined || peers.some((p) => p === undefined)) return undefined;
  const ratio = oracleRatio(hybrid, oracle);
  const withinLimit = ratio <= ORACLE_RATIO_LIMIT;
  const verdicts = (peers as PolicyRow[]).map((p) => against(hybrid, p));
  return { ratio, withinLimit, peers: verdicts, met: withinLimit && verdicts.every((v) => v.beats) };
}

// ---------------------------------------------------------------------------------------------
// Formatting

const dash = '–';
export const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(3)}×` : dash);
/** A fraction as percent with enough digits for small shares: 0.000123 → "0.0123 %". */
export const percent = (v: number): string => (!Number.isFinite(v) ? dash : v === 0 ? '0 %' : v >= 0.001 ? `${(v * 100).toFixed(2)} %` : `${(v * 100).toPrecision(2)} %`);
/** Significant digits for small capacities: 0.0393 rps stays readable. */
export const capacity = (v: number): string => (!Number.isFinite(v) ? dash : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
export const days = (ms: number): string => (ms / DAY).toFixed(2);

/** A Markdown table; `align` per column, 'l' or 'r'. */
export function markdownTable(headers: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const rule = `|${headers.map((_, i) => (align[i] === 'r' ? '--:' : '---')).join('|')}|`;
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** One trace: a heading line, what was scored, and the policy table. */
export function renderTrace(t: TraceResult): string {
  const oracle = find(t.policies, 'oracle');
  const window = t.shortened
    ? `the last ${days(t.evalMs)} days evaluated (the trace is shorter than 8 days: 1 day of history, the rest scored)`
    : `the last ${days(t.evalMs)} days evaluated after ${days(t.spanMs - t.evalMs)} days of history`;
  const rows = t.policies.map((r) => [r.policy, r.replicaHours.toFixed(1), times(oracleRatio(r, oracle)), percent(r.unservedShare), percent(r.underProvisionedTimeShare), String(r.actions)]);
  return [
    `### ${t.name}`,
    '',
    `${formatDuration(t.stepMs)} steps, ${days(t.spanMs)} days; ${window}; ${capacity(t.perReplica)} rps per replica (p99 needs 20); ${t.seconds.toFixed(1)} s.`,
    '',
    markdownTable(['policy', 'replica-hours', '× oracle', 'unserved', 'under-provisioned time', 'actions'], ['l', 'r', 'r', 'r', 'r', 'r'], rows),
  ].join('\n');
}

const mark = (ok: boolean): string => (ok ? 'yes' : 'no');

/** The verdict on one peer as a cell: "yes", or "no (costlier)", "no (more unserved)", "no (both)". */
export function peerCell(v: PeerVerdict | undefined): string {
  if (v === undefined) return dash;
  if (v.beats) return 'yes';
  if (!v.noCostlier && !v.lessUnserved) return 'no (costlier, more unserved)';
  return v.noCostlier ? 'no (more unserved)' : 'no (costlier)';
}

/** The summary: per trace the target's parts, then on how many traces it holds. */
export function renderSummary(results: readonly TraceResult[]): string {
  const judged = results.map((t) => ({ t, v: judgeHybrid(t.policies) }));
  const rows = judged.map(({ t, v }) => {
    const hybrid = find(t.policies, 'hybrid');
    return [
      t.name,
      v === undefined ? dash : times(v.ratio),
      hybrid === undefined ? dash : percent(hybrid.unservedShare),
      v === undefined ? dash : mark(v.withinLimit),
      ...PEERS.map((p) => peerCell(v?.peers.find((x) => x.peer === p))),
      v === undefined ? dash : mark(v.met),
    ];
  });
  const scored = judged.filter((j) => j.v !== undefined);
  const met = scored.filter((j) => j.v?.met === true).length;
  const within = scored.filter((j) => j.v?.withinLimit === true).length;
  const beatsAll = scored.filter((j) => j.v?.peers.every((p) => p.beats) === true).length;
  return [
    markdownTable(
      ['trace', 'hybrid × oracle', 'hybrid unserved', `≤ ${ORACLE_RATIO_LIMIT}× oracle`, 'beats reactive', 'beats aws-like', 'target met'],
      ['l', 'r', 'r', 'l', 'l', 'l', 'l'],
      rows,
    ),
    '',
    `Target met on ${met} of ${scored.length} traces (hybrid within ${ORACLE_RATIO_LIMIT}× the oracle's replica-hours on ${within}; ` +
      `less load unserved than both reactive and aws-like at equal or lower replica-hours on ${beatsAll}).`,
  ].join('\n');
}
